import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { AudioPanel } from '../../audio/ui/AudioPanel';
import { useAudioState } from '../../audio/ui/context';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { useLive, useSpaceView } from '../../live';
import { useSession } from '../../session';
import { isMissing, NotFound } from '../../shell/NotFound';
import { TicketGate } from '../tickets/TicketGate';
import { accessOf } from '../tickets/types';
import { useTicketAccess } from '../tickets/useTicketAccess';
import { spaceActions } from './actions';
import { JoinWarning } from './JoinWarning';
import { usePersonalNotice } from './notices';
import { SpaceRoom } from './SpaceRoom';

type Gate = 'checking' | 'warn' | 'join';

/**
 * /spaces/:id — opening the link joins the space (as a guest without an
 * account), after a warning when someone you blocked is on its stage.
 */
export function SpacePage() {
  const { id = '' } = useParams();
  const { me } = useSession();
  const live = useLive();
  const navigate = useNavigate();
  const card = useAsync(() => api.space(id), [id]);
  const [gate, setGate] = useState<Gate>('checking');
  const [blocked, setBlocked] = useState<{ id: string; handle: string; display_name: string }[]>(
    [],
  );
  const inThisSpace = live.current?.spaceId === id ? live.current : null;
  const store = inThisSpace?.store ?? null;
  const view = useSpaceView(store);
  const audio = useAudioState();
  const { t } = useTranslation('space');
  const personal = usePersonalNotice(store, me?.id ?? null);

  // Before joining: are people you blocked speaking here? Checked once per space and person.
  const meKey = me === undefined ? undefined : (me?.id ?? null);
  const alreadyIn = useRef(false);
  alreadyIn.current = inThisSpace !== null;
  useEffect(() => {
    if (meKey === undefined) return;
    if (alreadyIn.current || meKey === null) {
      setGate('join');
      return;
    }
    let current = true;
    setGate('checking');
    api.warnings(id).then(
      (w) => {
        if (!current) return;
        setBlocked(w.blocked_on_stage);
        setGate(w.blocked_on_stage.length ? 'warn' : 'join');
      },
      () => current && setGate('join'),
    );
    return () => {
      current = false;
    };
  }, [id, meKey]);

  const [joinError, setJoinError] = useState<string | null>(null);
  // Once per space: a guest's join waits for a token, and re-renders must not start another.
  const joining = useRef<string | null>(null);
  const { join } = live;
  // A ticketed space is joined only with a ticket (or on its stage): until then its gate shows.
  const access = useTicketAccess(id, card.data);
  useEffect(() => {
    if (gate !== 'join' || inThisSpace || me === undefined || joining.current === id) return;
    if (access === null || access === 'needs_ticket') return;
    joining.current = id;
    join(id).catch((error: unknown) => {
      joining.current = null;
      setJoinError(errorMessage(error));
    });
  }, [gate, inThisSpace, id, join, me, access]);

  const actions = useMemo(
    () => (store ? spaceActions(id, store, live.client) : null),
    [id, store, live.client],
  );

  const leave = () => {
    // Leaving quietly: a speaker steps off the stage first, so no empty seat stays behind.
    const mine = view.snapshot?.stage.find((m) => m.user_id === me?.id);
    if (mine && mine.role !== 'host' && actions) void actions.leaveStage();
    navigate('/');
    live.leave();
  };

  if (card.error && !view.snapshot) {
    if (isMissing(card.failure)) return <NotFound what="space" />;
    return (
      <main className="page">
        <ErrorText error={card.error} />
        <Link to="/spaces">{t('findOther')}</Link>
      </main>
    );
  }
  if (access === 'needs_ticket' && !inThisSpace && card.data) {
    return <TicketGate space={card.data} signedIn={!!me} onAccess={card.reload} />;
  }
  if (gate === 'warn' && !inThisSpace) {
    return (
      <main className="page">
        <h1 dir="auto">{card.data?.title ?? t('untitled')}</h1>
        <JoinWarning blocked={blocked} onJoin={() => setGate('join')} onBack={() => navigate(-1)} />
      </main>
    );
  }
  if (view.status === 'removed' || view.status === 'failed') {
    return (
      <main className="page">
        <h1 dir="auto">{view.snapshot?.space.title ?? card.data?.title ?? t('untitled')}</h1>
        <p className="error" role="alert">
          {view.error}
        </p>
        <button
          type="button"
          onClick={() => {
            live.leave();
            navigate('/spaces');
          }}
        >
          {t('findOther')}
        </button>
      </main>
    );
  }
  if (!view.snapshot || !actions) {
    return (
      <main className="page">
        <h1 dir="auto">{card.data?.title ?? t('untitled')}</h1>
        <ErrorText error={joinError} />
        <Loading label={t('joining')} />
      </main>
    );
  }
  return (
    <SpaceRoom
      snapshot={view.snapshot}
      meId={me?.id ?? null}
      actions={actions}
      reactions={store!.onReactions}
      connection={live.connection}
      notice={view.notice}
      captions={view.captions}
      onLeave={leave}
      audio={
        // A holder refunded or removed while here: the server stops the audio, the panel goes too.
        accessOf(view.snapshot, view.snapshot.space) === 'needs_ticket' ? undefined : (
          <AudioPanel stage={view.snapshot.stage} meId={me?.id ?? null} />
        )
      }
      speaking={audio?.spaceId === id ? audio.speaking : undefined}
      personal={personal}
      incognito={{
        on: inThisSpace?.incognito === true,
        // A new subscription: the server lists or unlists you as you join again.
        toggle: () => void join(id, { incognito: !inThisSpace?.incognito }),
      }}
    />
  );
}
