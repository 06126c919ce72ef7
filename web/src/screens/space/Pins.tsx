import type { PinnedPostDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Avatar } from '../../components/Avatar';
import { Modal } from '../../components/Modal';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import type { SpaceActions } from './actions';

/** Posts pinned to the space; people on stage pin (one of their recent posts) and unpin. */
export function Pins({
  pins,
  canPin,
  meId,
  actions,
}: {
  pins: PinnedPostDto[];
  canPin: boolean;
  meId: string | null;
  actions: SpaceActions;
}) {
  const { t } = useTranslation('space');
  const [choosing, setChoosing] = useState(false);
  if (pins.length === 0 && !canPin) return null;
  return (
    <section aria-labelledby="pins-title" className="pins">
      <div className="section-head">
        <h2 id="pins-title">{t('pins.title')}</h2>
        {canPin && pins.length < 3 ? (
          <button type="button" onClick={() => setChoosing(true)}>
            {t('pins.pin')}
          </button>
        ) : null}
      </div>
      {pins.length === 0 ? <p className="muted">{t('pins.empty')}</p> : null}
      <ul>
        {pins.map((pin) => (
          <li key={pin.post_id} className="pin">
            {pin.post ? (
              <>
                <Avatar user={pin.post.author} size="sm" />
                <p className="grow">
                  <span className="strong" dir="auto">
                    {pin.post.author.display_name}
                  </span>{' '}
                  <span dir="auto">{pin.post.text}</span>
                </p>
              </>
            ) : (
              <p className="grow muted">{t('pins.deleted')}</p>
            )}
            {canPin ? (
              <button type="button" onClick={() => actions.unpin(pin.post_id)}>
                {t('pins.unpin')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {choosing && meId ? (
        <ChoosePost
          meId={meId}
          pinned={new Set(pins.map((p) => p.post_id))}
          onPin={async (postId) => {
            if (await actions.pin(postId)) setChoosing(false);
          }}
          onClose={() => setChoosing(false)}
        />
      ) : null}
    </section>
  );
}

function ChoosePost({
  meId,
  pinned,
  onPin,
  onClose,
}: {
  meId: string;
  pinned: Set<string>;
  onPin: (postId: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('space');
  const posts = useAsync(() => api.userPosts(meId), [meId]);
  const choices = posts.data?.data.filter((p) => !pinned.has(p.id)) ?? [];
  return (
    <Modal title={t('pins.chooseTitle')} onClose={onClose}>
      {posts.loading ? <Loading /> : null}
      {posts.data && choices.length === 0 ? <p className="muted">{t('pins.noPosts')}</p> : null}
      <ul className="menu">
        {choices.map((p) => (
          <li key={p.id} className="request">
            <span className="grow" dir="auto">
              {p.text}
            </span>
            <button type="button" onClick={() => onPin(p.id)}>
              {t('pins.pinThis')}
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
