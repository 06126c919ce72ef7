import type { ClipDto, UserDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useSession } from '../../session';
import { NotFound } from '../../shell/NotFound';
import { Confirm } from '../space/Confirm';
import { ReportDialog } from '../space/ReportDialog';
import { ClipPlayer } from './ClipPlayer';
import { ClipShare } from './ClipShare';
import { clock, useClip } from './clips';
import './clips.css';

/** /clips/:id — a clip: its player, where it comes from, who made it, until when, and sharing. */
export function ClipPage() {
  const { t } = useTranslation('clips');
  const { id = '' } = useParams();
  const state = useClip(id);
  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'failed') {
    if (state.status === 404) return <NotFound what="clip" />;
    return (
      <main className="page">
        <h1>{t('title')}</h1>
        <ErrorText error={state.error} />
      </main>
    );
  }
  return <ClipView clip={state.clip} />;
}

/** Who may delete a clip: its creator, the space's host, staff. */
export function canDelete(clip: ClipDto, me: UserDto | null | undefined): boolean {
  if (!me) return false;
  return (
    me.id === clip.creator.id ||
    me.id === clip.space.host.id ||
    me.role === 'admin' ||
    me.role === 'moderator'
  );
}

function ClipView({ clip }: { clip: ClipDto }) {
  const { t, i18n } = useTranslation('clips');
  const { me } = useSession();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<'delete' | 'report' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const day = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(iso));
  const source =
    clip.source === 'replay' && clip.start_ms !== null
      ? `/spaces/${clip.space_id}/replay?t=${Math.floor(clip.start_ms / 1000)}`
      : `/spaces/${clip.space_id}`;

  return (
    <main className="page clip-page" aria-labelledby="clip-title">
      <p className="muted">{t('badgeLong', { duration: clock(clip.duration_ms) })}</p>
      <h1 id="clip-title" dir="auto">
        {clip.title}
      </h1>
      <ClipPlayer clip={clip} />
      <dl className="clip-facts">
        <dt>{t('space')}</dt>
        <dd dir="auto">
          <Link to={source}>{clip.space.title}</Link>
          {' · '}
          {t('hostedBy', { name: clip.space.host.display_name })}
        </dd>
        <dt>{t('creator')}</dt>
        <dd className="row">
          <Avatar user={clip.creator} size="sm" />
          <Link to={`/u/${clip.creator.handle}`} dir="auto">
            {clip.creator.display_name}
          </Link>
          <span className="muted">
            <time dateTime={clip.created_at}>{day(clip.created_at)}</time>
          </span>
        </dd>
        <dt>{t('expires')}</dt>
        <dd>
          <time dateTime={clip.expires_at}>{day(clip.expires_at)}</time>
        </dd>
      </dl>
      <ClipShare clip={clip} signedIn={Boolean(me)} />
      <div className="row clip-actions">
        {canDelete(clip, me) ? (
          <button type="button" className="danger" onClick={() => setDialog('delete')}>
            {t('delete')}
          </button>
        ) : null}
        {me && me.id !== clip.creator.id ? (
          <button type="button" onClick={() => setDialog('report')}>
            {t('report')}
          </button>
        ) : null}
      </div>
      <ErrorText error={error} />
      {dialog === 'delete' ? (
        <Confirm
          title={t('deleteTitle')}
          cancel={t('cancel')}
          confirm={t('deleteConfirm')}
          onConfirm={async () => {
            try {
              await api.deleteClip(clip.id);
              navigate(`/spaces/${clip.space_id}`, { replace: true });
            } catch (err) {
              setDialog(null);
              setError(errorMessage(err));
            }
          }}
          onClose={() => setDialog(null)}
        >
          <p className="muted">{t('deleteBody')}</p>
        </Confirm>
      ) : null}
      {dialog === 'report' ? (
        <ReportDialog
          spaceId={clip.space_id}
          user={null}
          target={{
            title: t('reportTitle', { title: clip.title }),
            send: (input) => api.reportClip(clip.id, input),
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </main>
  );
}
