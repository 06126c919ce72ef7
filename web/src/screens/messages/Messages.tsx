import type { MessageDto, NotificationDto } from '@salon/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage, request } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Linkified } from '../../components/linkify';
import { SpaceEmbed } from '../../components/PostCard';
import { QuietInput } from '../../components/QuietField';
import { Loading } from '../../components/Spinner';
import { submitHandle } from '../../components/share';
import { ago } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { useLive } from '../../live';
import { useSession } from '../../session';
import { unreadMessages } from './unread';
import './messages.css';

/** /messages: your conversations, and a box to start one by handle. */
export function Conversations() {
  const { t, i18n } = useTranslation('messages');
  const conversations = useAsync(() => api.conversations(), []);
  const { onNotification } = useLive();
  const navigate = useNavigate();
  const [handle, setHandle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { reload } = conversations;

  // A message arriving moves its conversation to the top with its count.
  useEffect(() => onNotification((n) => n.kind === 'dm' && reload()), [onNotification, reload]);

  const start = submitHandle(handle, (user) => navigate(`/messages/${user.id}`), setError);

  const number = new Intl.NumberFormat(i18n.language);
  return (
    <main className="page">
      <h1>{t('title')}</h1>
      <form onSubmit={start} className="row">
        <QuietInput
          id="dm-to"
          label={t('new_to')}
          placeholder={t('new_placeholder')}
          value={handle}
          onValue={setHandle}
        />
        <button type="submit">{t('start')}</button>
      </form>
      <ErrorText error={error ?? conversations.error} />
      {conversations.loading && !conversations.data ? <Loading /> : null}
      {conversations.data?.data.length === 0 ? <p className="muted">{t('none')}</p> : null}
      <ul className="conversations">
        {conversations.data?.data.map((c) => (
          <li key={c.peer.id}>
            <Link to={`/messages/${c.peer.id}`} className="conversation">
              <Avatar user={c.peer} />
              <span className="grow">
                <span className="strong" dir="auto">
                  {c.peer.display_name}
                </span>{' '}
                <span className="muted">@{c.peer.handle}</span>
                <span className="clamp muted" dir="auto">
                  {c.last_message.space_id ? `🎙 ${t('shared_space')} ` : ''}
                  {c.last_message.text}
                </span>
              </span>
              {c.unread_count ? (
                <span className="count">
                  {number.format(c.unread_count)}
                  <span className="visually-hidden"> {t('unread', { count: c.unread_count })}</span>
                </span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}

/** Oldest first, each message once, whichever way it came (the page, sent here, live). */
function merge(list: MessageDto[], more: MessageDto[]): MessageDto[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of more) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** /messages/:userId: one conversation, oldest at the top; new messages arrive live. */
export function Conversation() {
  const { t } = useTranslation('messages');
  const { userId = '' } = useParams();
  const { me } = useSession();
  const { onNotification, setUnread } = useLive();
  const peer = useAsync(() => api.user(userId), [userId]);
  const [list, setList] = useState<MessageDto[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const end = useRef<HTMLLIElement>(null);

  useEffect(() => {
    let live = true;
    setList([]);
    setLoading(true);
    setLoadError(null);
    const load = () =>
      api.messages(userId).then(
        (page) => {
          if (!live) return;
          setList((current) => merge(current, page.data));
          setLoading(false);
          // Read now: the badge on Messages goes down once the server agrees.
          api
            .markConversationRead(userId)
            .then(() => unreadMessages.refresh())
            .catch(() => undefined);
        },
        (err: unknown) => {
          if (!live) return;
          setLoadError(errorMessage(err));
          setLoading(false);
        },
      );
    void load();
    const stop = onNotification((n: NotificationDto) => {
      if (n.kind !== 'dm' || n.actor?.id !== userId) return;
      void load();
      // Seen here, so not news in Notifications either.
      request('POST', '/notifications/read', { ids: [n.id] })
        .then(() => api.unreadCount())
        .then(({ count }) => setUnread(count))
        .catch(() => undefined);
    });
    return () => {
      live = false;
      stop();
    };
  }, [userId, onNotification, setUnread]);

  const newest = list.at(-1)?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the newest message changes
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [newest]);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    setError(null);
    try {
      const message = await api.sendMessage(userId, text.trim());
      setList((current) => merge(current, [message]));
      setText('');
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <main className="page">
      <p>
        <Link to="/messages">← {t('back')}</Link>
      </p>
      <h1>
        {peer.data ? (
          <Link to={`/u/${peer.data.handle}`} className="strong" dir="auto">
            {peer.data.display_name}
          </Link>
        ) : (
          t('conversation')
        )}
      </h1>
      <ErrorText error={peer.error ?? loadError} />
      {loading && list.length === 0 ? <Loading /> : null}
      {!loading && list.length === 0 && !loadError ? <p className="muted">{t('empty')}</p> : null}
      {/* A chat log: screen readers announce messages as they arrive. */}
      <div role="log" aria-label={t('log')}>
        <ol className="messages">
          {list.map((m, i) => (
            <li
              key={m.id}
              ref={i === list.length - 1 ? end : undefined}
              className={m.sender_id === me?.id ? 'message mine' : 'message'}
            >
              <span className="visually-hidden">
                {m.sender_id === me?.id ? t('you') : (peer.data?.display_name ?? '')}:{' '}
              </span>
              {m.text ? (
                <p dir="auto">
                  <Linkified text={m.text} />
                </p>
              ) : null}
              {m.space_id ? <SpaceEmbed spaceId={m.space_id} /> : null}
              <time className="muted" dateTime={m.created_at}>
                {ago(m.created_at)}
              </time>
            </li>
          ))}
        </ol>
      </div>
      <form onSubmit={send} className="row composer-row">
        {/* The shared quiet field (as the composer's, the searches'), with this form's own props. */}
        <QuietInput
          id="dm-text"
          label={t('message')}
          placeholder={t('placeholder')}
          maxLength={1000}
          value={text}
          onValue={setText}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {t('send')}
        </button>
      </form>
      <ErrorText error={error} />
    </main>
  );
}
