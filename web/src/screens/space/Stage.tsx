import type { StageMemberDto } from '@salon/protocol';
import { Avatar } from '../../components/Avatar';
import { ROLE_LABEL } from './roles';

/** The stage: host, co-hosts and speakers, each with their microphone state and who is talking. */
export function Stage({
  stage,
  meId,
  onSelect,
  speaking,
}: {
  stage: StageMemberDto[];
  meId: string | null;
  onSelect: (member: StageMemberDto) => void;
  /** User ids talking now (from the media server). */
  speaking?: ReadonlySet<string>;
}) {
  return (
    <ul className="stage" aria-label="On stage">
      {stage.map((m) => {
        const talking = !m.muted && speaking?.has(m.user_id) === true;
        return (
          <li key={m.user_id}>
            <button
              type="button"
              className={talking ? 'stage-member speaking' : 'stage-member'}
              data-user={m.user.handle}
              data-speaking={talking ? 'true' : 'false'}
              onClick={() => onSelect(m)}
            >
              <span className="stage-avatar">
                <Avatar user={m.user} size="lg" />
                <span className={`mic ${m.muted ? 'mic-off' : 'mic-on'}`} aria-hidden="true">
                  {m.muted ? '🔇' : '🎙'}
                </span>
              </span>
              <span className="stage-name">
                {m.user.display_name}
                {m.user_id === meId ? ' (you)' : ''}
              </span>
              <span className="stage-role">{ROLE_LABEL[m.role]}</span>
              <span className="visually-hidden">
                {m.muted ? ', muted' : ', microphone on'}
                {talking ? ', speaking' : ''}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
