import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../../components/Avatar';
import { ErrorText } from '../../../components/ErrorText';
import { Loading } from '../../../components/Spinner';
import { clock } from '../../clips/clips';
import { type TranscriptLineDto, vttUrl } from './transcript';

export type TranscriptState =
  | { kind: 'loading' }
  | { kind: 'none' }
  | { kind: 'failed'; error: string }
  | { kind: 'found'; lines: TranscriptLineDto[] };

/**
 * The replay's transcript beside the player: each line with who said it and
 * when; a line clicked (or Enter on it) plays from there, and the line being
 * played is marked (aria-current) and kept in view. The host may download it.
 */
export function TranscriptPanel({
  spaceId,
  transcript,
  playing,
  onSeek,
  canDownload,
}: {
  spaceId: string;
  transcript: TranscriptState;
  playing: TranscriptLineDto | null;
  onSeek: (ms: number) => void;
  canDownload: boolean;
}) {
  const { t } = useTranslation('replay');
  const list = useRef<HTMLOListElement>(null);
  const playingId = playing?.utterance_id ?? null;

  // Keeps the playing line in view inside the panel (never scrolls the page).
  useEffect(() => {
    const box = list.current;
    if (!box || !playingId) return;
    const item = box.querySelector<HTMLElement>('[aria-current="true"]');
    if (!item) return;
    // The list is positioned (replay.css), so a line's offsetTop is within it.
    const top = item.offsetTop;
    if (top < box.scrollTop || top + item.offsetHeight > box.scrollTop + box.clientHeight)
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
  }, [playingId]);

  return (
    <section className="transcript-panel" aria-labelledby="replay-transcript">
      <div className="row transcript-head">
        <h2 id="replay-transcript">{t('transcript.title')}</h2>
        {canDownload && transcript.kind === 'found' ? (
          <a className="button" href={vttUrl(spaceId, true)} download>
            {t('transcript.download')}
          </a>
        ) : null}
      </div>
      {transcript.kind === 'loading' ? <Loading /> : null}
      {transcript.kind === 'failed' ? <ErrorText error={transcript.error} /> : null}
      {transcript.kind === 'none' ? <p className="muted">{t('transcript.none')}</p> : null}
      {transcript.kind === 'found' ? (
        <ol className="transcript-lines plain-list" ref={list} aria-label={t('transcript.lines')}>
          {transcript.lines.map((line) => {
            const current = line.utterance_id === playingId;
            return (
              <li
                key={line.utterance_id}
                aria-current={current ? 'true' : undefined}
                className={current ? 'current' : undefined}
              >
                <button
                  type="button"
                  className="transcript-line"
                  onClick={() => onSeek(line.at_ms ?? 0)}
                >
                  <Avatar user={line.speaker} size="sm" />
                  <span className="transcript-who">
                    <span className="strong" dir="auto">
                      {line.speaker.display_name}
                    </span>{' '}
                    <span className="muted small">{clock(line.at_ms ?? 0)}</span>
                  </span>
                  <span className="transcript-text" dir="auto">
                    {line.text}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
