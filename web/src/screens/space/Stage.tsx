import type { StageMemberDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';

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
  /** User ids talking now (from the media server); absent when nobody can be (an ended space). */
  speaking?: ReadonlySet<string>;
}) {
  const { t } = useTranslation('space');
  return (
    <ul className="stage" aria-label={t('onStage')}>
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
              <span className="stage-name" dir="auto">
                {m.user.display_name}
                {m.user_id === meId ? t('you') : ''}
              </span>
              <span className="stage-role">{t(`roles.${m.role}`)}</span>
              <span className="visually-hidden">
                {m.muted ? t('muted') : t('micOn')}
                {talking ? t('speakingNow') : ''}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
