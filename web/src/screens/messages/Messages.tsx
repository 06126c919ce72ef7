import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { SpaceEmbed } from '../../components/PostCard';
import { Loading } from '../../components/Spinner';
import { ago } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import type { MessageDto } from '../../types';

/** /messages: your conversations, and a box to start one by handle. */
export function Conversations() {
  const conversations = useAsync(() => api.conversations(), []);
  const navigate = useNavigate();
  const [handle, setHandle] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function start(event: FormEvent) {
    event.preventDefault();
    const h = handle.trim().replace(/^@/, '');
    if (!h) return;
    try {
      const user = await api.userByHandle(h);
      navigate(`/messages/${user.id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <main className="page">
      <h1>Messages</h1>
      <form onSubmit={start} className="row">
        <label htmlFor="dm-to" className="visually-hidden">
          New message to
        </label>
        <input
          id="dm-to"
          placeholder="New message to @handle"
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
        />
        <button type="submit">Start</button>
      </form>
      <ErrorText error={error ?? conversations.error} />
      {conversations.loading ? <Loading /> : null}
      {conversations.data?.data.length === 0 ? <p className="muted">No messages yet.</p> : null}
      <ul className="conversations">
        {conversations.data?.data.map((c) => (
          <li key={c.peer.id}>
            <Link to={`/messages/${c.peer.id}`} className="conversation">
              <Avatar user={c.peer} />
              <span className="grow">
                <span className="strong">{c.peer.display_name}</span>{' '}
                <span className="muted">@{c.peer.handle}</span>
                <span className="clamp muted">
                  {c.last_message.space_id ? '🎙 Shared a space. ' : ''}
                  {c.last_message.text}
                </span>
              </span>
              {c.unread_count ? (
                <span className="count">
                  {c.unread_count}
                  <span className="visually-hidden"> unread</span>
                </span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}

/** /messages/:userId: one conversation, oldest at the top. */
export function Conversation() {
  const { userId = '' } = useParams();
  const { me } = useSession();
  const peer = useAsync(() => api.user(userId), [userId]);
  const messages = useAsync(() => api.messages(userId), [userId]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<MessageDto[]>([]);

  useEffect(() => {
    setSent([]);
    api.markConversationRead(userId).catch(() => undefined);
  }, [userId]);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    setError(null);
    try {
      const message = await api.sendMessage(userId, text.trim());
      setSent((list) => [...list, message]);
      setText('');
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const list = [...[...(messages.data?.data ?? [])].reverse(), ...sent];
  return (
    <main className="page">
      <p>
        <Link to="/messages">← Messages</Link>
      </p>
      <h1>
        {peer.data ? (
          <Link to={`/u/${peer.data.handle}`} className="strong">
            {peer.data.display_name}
          </Link>
        ) : (
          'Conversation'
        )}
      </h1>
      <ErrorText error={peer.error ?? messages.error} />
      <ol className="messages" aria-label="Messages">
        {list.map((m) => (
          <li key={m.id} className={m.sender_id === me?.id ? 'message mine' : 'message'}>
            {m.text ? <p>{m.text}</p> : null}
            {m.space_id ? <SpaceEmbed spaceId={m.space_id} /> : null}
            <time className="muted" dateTime={m.created_at}>
              {ago(m.created_at)}
            </time>
          </li>
        ))}
      </ol>
      <form onSubmit={send} className="row composer-row">
        <label htmlFor="dm-text" className="visually-hidden">
          Message
        </label>
        <input
          id="dm-text"
          placeholder="Write a message"
          maxLength={1000}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          Send
        </button>
      </form>
      <ErrorText error={error} />
    </main>
  );
}
