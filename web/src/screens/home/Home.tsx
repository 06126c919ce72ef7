import type { ClipDto, SpaceSnapshot, UserDto } from '@salon/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { PostCard } from '../../components/PostCard';
import { QuietTextArea } from '../../components/QuietField';
import { SpaceCard } from '../../components/SpaceCard';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { liveSpaces, useLiveHosts } from '../../liveSpaces';
import { useSession } from '../../session';
import { ClipCard } from '../clips/ClipCard';
import { type Bubble, liveBubbles } from './bubbles';
import { LiveBubbles } from './LiveBubbles';

/** How many live spaces (not hosted by people you follow) are looked into for followed speakers. */
const STAGE_LOOKUPS = 10;

export function Home() {
  const { me } = useSession();
  if (me === undefined) return <Loading />;
  if (me === null) return <Welcome />;
  return <Feed me={me} />;
}

function Feed({ me }: { me: UserDto }) {
  const { t } = useTranslation('home');
  const bubbles = useAsync(() => loadBubbles(me.id), [me.id]);
  const timeline = useAsync(() => api.timeline(), [me.id]);
  const liveHosts = useLiveHosts();

  return (
    <main className="page">
      <h1 className="visually-hidden">{t('title')}</h1>
      {bubbles.data ? <LiveBubbles bubbles={bubbles.data} /> : null}
      <Composer
        onPosted={(post) =>
          // Posted before the timeline arrived: load it again, with the new post in it.
          timeline.data
            ? timeline.setData({ ...timeline.data, data: [post, ...timeline.data.data] })
            : timeline.reload()
        }
      />
      <section aria-label={t('timeline')} className="feed">
        {timeline.loading && !timeline.data ? <Loading /> : null}
        <ErrorText error={timeline.error} />
        {timeline.data?.data.length === 0 ? (
          <div className="empty">
            <p className="strong">{t('empty_title')}</p>
            <p className="muted">{t('empty_body')}</p>
            <p className="row">
              {/* Links to go on with (here: find people, browse); the welcome's own pair below says other things. */}
              <Link className="button primary" to="/people">
                {t('find_people')}
              </Link>
              <Link className="button" to="/spaces">
                {t('browse_spaces')}
              </Link>
            </p>
          </div>
        ) : null}
        {timeline.data?.data.map((post) => (
          <PostCard key={post.id} post={post} live={liveHosts.has(post.author.id)} />
        ))}
      </section>
    </main>
  );
}

async function loadBubbles(meId: string): Promise<Bubble[]> {
  const [spaces, following] = await Promise.all([liveSpaces(true), followingIds(meId)]);
  const others = spaces.filter((s) => !following.has(s.host_id)).slice(0, STAGE_LOOKUPS);
  const stages = new Map<string, SpaceSnapshot['stage']>();
  const here = new Map<string, number>();
  // Every followed host's space too, for its "people here"; the others for who is on stage.
  const looked = [...spaces.filter((s) => following.has(s.host_id)), ...others].slice(
    0,
    STAGE_LOOKUPS,
  );
  await Promise.all(
    looked.map((s) =>
      api.snapshot(s.id).then(
        (snapshot) => {
          stages.set(s.id, snapshot.stage);
          here.set(s.id, snapshot.counts.now_total);
        },
        () => undefined,
      ),
    ),
  );
  return liveBubbles(spaces, following, stages, here);
}

async function followingIds(userId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 5; page++) {
    const result = await api.following(userId, cursor);
    for (const u of result.data) ids.add(u.id);
    if (!result.next_cursor) break;
    cursor = result.next_cursor;
  }
  return ids;
}

function Composer({
  onPosted,
}: {
  onPosted: (post: Awaited<ReturnType<typeof api.createPost>>) => void;
}) {
  const { t } = useTranslation('home');
  const { t: tc } = useTranslation('clips');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const length = [...text].length;
  // A clip's "Share in a post" opens Home with `?clip=<id>`: the clip is attached, its title written.
  const [search, setSearch] = useSearchParams();
  const clipId = search.get('clip');
  const [clip, setClip] = useState<ClipDto | null>(null);
  useEffect(() => {
    if (!clipId) return setClip(null);
    let current = true;
    api.clip(clipId).then(
      (found) => {
        if (!current) return;
        setClip(found);
        setText((old) => old || found.title);
      },
      (err: unknown) => current && setError(errorMessage(err)),
    );
    return () => {
      current = false;
    };
  }, [clipId]);
  const detach = () => {
    setClip(null);
    setSearch({}, { replace: true });
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim() || length > 280) return;
    setBusy(true);
    setError(null);
    try {
      onPosted(await api.createPost(text.trim(), clip?.id));
      setText('');
      if (clip) detach();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      {/* A shared quiet field (QuietTextArea here, QuietInput in the DM box), with the composer's own props. */}
      <QuietTextArea
        id="composer-text"
        label={t('composer_label')}
        placeholder={t('composer_placeholder')}
        rows={2}
        value={text}
        onValue={setText}
      />
      {clip ? (
        <section aria-label={tc('attached')}>
          <ClipCard clip={clip} />
          <button type="button" onClick={detach}>
            {tc('removeAttached')}
          </button>
        </section>
      ) : null}
      <div className="composer-foot">
        <span className={length > 280 ? 'field-error' : 'muted'} aria-live="polite">
          {t('composer_count', { count: length, max: 280 })}
        </span>
        <button type="submit" className="primary" disabled={busy || !text.trim() || length > 280}>
          {t('post')}
        </button>
      </div>
      <ErrorText error={error} />
    </form>
  );
}

function Welcome() {
  const { t } = useTranslation('home');
  const spaces = useAsync(() => liveSpaces(true), []);
  return (
    <main className="page">
      <section className="hero">
        <h1>Salon</h1>
        <p>{t('welcome_pitch')}</p>
        {/* The welcome's two links (sign up, sign in), alike the empty feed's pair above in shape only. */}
        <p className="row">
          <Link className="button primary" to="/signup">
            {t('create_account')}
          </Link>
          <Link className="button" to="/signin">
            {t('sign_in')}
          </Link>
        </p>
        <p className="muted">{t('listen_without_account')}</p>
        <p>
          <Link to="/people">{t('find_people')}</Link>
        </p>
      </section>
      <section aria-labelledby="welcome-live">
        <h2 id="welcome-live">{t('live_now')}</h2>
        {spaces.data?.length === 0 ? <p className="muted">{t('no_live')}</p> : null}
        <div className="space-grid">
          {spaces.data?.map((s) => (
            <SpaceCard key={s.id} space={s} />
          ))}
        </div>
      </section>
    </main>
  );
}
