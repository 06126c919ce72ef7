import type { ReplayTimelineDto } from '@salon/protocol';
import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clock } from '../../clips/clips';
import { nextTurn, placeSpans, previousTurn, speakingAt, turns } from './timeline';

/**
 * Who spoke when: one row per speaker, each stretch of talk a button that
 * seeks to it, and buttons for the previous and next speaker. The stretches
 * are one keyboard stop: the arrow keys move between them in time order
 * (Home and End to the first and last), Enter or Space seeks.
 */
export function SpeakerTimeline({
  timeline,
  positionMs,
  onSeek,
  selection,
}: {
  timeline: ReplayTimelineDto;
  positionMs: number;
  onSeek: (ms: number) => void;
  /** A range being clipped, drawn over the rows. */
  selection?: { from_ms: number; to_ms: number } | null;
}) {
  const { t } = useTranslation('replay');
  const duration = timeline.duration_ms;
  const all = useMemo(() => turns(timeline), [timeline]);
  const rows = useMemo(
    () =>
      timeline.speakers
        .map((s) => ({ user: s.user, spans: placeSpans(s.spans, duration) }))
        .filter((r) => r.spans.length > 0),
    [timeline, duration],
  );
  // Every stretch in time order, for the arrow keys.
  const order = useMemo(
    () =>
      rows
        .flatMap((r) => r.spans.map((span) => ({ key: `${r.user.id}:${span.start_ms}`, span })))
        .sort((a, b) => a.span.start_ms - b.span.start_ms)
        .map((s) => s.key),
    [rows],
  );
  const [focused, setFocused] = useState<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const tabStop = focused && order.includes(focused) ? focused : order[0];

  const onKeyDown = (event: KeyboardEvent) => {
    const at = order.indexOf(tabStop ?? '');
    const to =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? Math.min(order.length - 1, at + 1)
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? Math.max(0, at - 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? order.length - 1
              : null;
    if (to === null || at < 0) return;
    event.preventDefault();
    const key = order[to]!;
    setFocused(key);
    buttons.current.get(key)?.focus();
  };

  const now = speakingAt(all, positionMs);
  const next = nextTurn(all, positionMs);
  const previous = previousTurn(all, positionMs);
  const percent = (ms: number) =>
    `${duration > 0 ? (Math.min(ms, duration) / duration) * 100 : 0}%`;

  return (
    <section className="speaker-timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('timeline.title')}</h2>
      <div className="row timeline-nav">
        <button
          type="button"
          onClick={() => onSeek(previous?.start_ms ?? 0)}
          disabled={all.length === 0}
        >
          <span aria-hidden="true">⏮ </span>
          {t('timeline.previous')}
        </button>
        <button type="button" onClick={() => next && onSeek(next.start_ms)} disabled={!next}>
          {t('timeline.next')}
          <span aria-hidden="true"> ⏭</span>
        </button>
        <p className="muted timeline-now" data-testid="now-speaking" dir="auto">
          {now ? t('timeline.speaking', { name: now.user.display_name }) : t('timeline.nobody')}
        </p>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t('timeline.empty')}</p>
      ) : (
        <fieldset className="timeline-rows plain" onKeyDown={onKeyDown}>
          <legend className="visually-hidden">{t('timeline.stretches')}</legend>
          {rows.map((row) => (
            <div key={row.user.id} className="timeline-row">
              <span className="timeline-name" dir="auto">
                {row.user.display_name}
              </span>
              <div className="timeline-track">
                {row.spans.map((span) => {
                  const key = `${row.user.id}:${span.start_ms}`;
                  const on =
                    now?.user.id === row.user.id &&
                    positionMs >= span.start_ms &&
                    positionMs < span.end_ms;
                  return (
                    <button
                      key={key}
                      type="button"
                      ref={(el) => {
                        if (el) buttons.current.set(key, el);
                        else buttons.current.delete(key);
                      }}
                      className={on ? 'timeline-span current' : 'timeline-span'}
                      style={{ left: `${span.left}%`, width: `${span.width}%` }}
                      tabIndex={key === tabStop ? 0 : -1}
                      aria-label={t('timeline.span', {
                        name: row.user.display_name,
                        from: clock(span.start_ms),
                        to: clock(span.end_ms),
                      })}
                      data-start-ms={span.start_ms}
                      onFocus={() => setFocused(key)}
                      onClick={() => onSeek(span.start_ms)}
                    />
                  );
                })}
                {selection ? (
                  <div
                    className="timeline-selection"
                    aria-hidden="true"
                    style={{
                      left: percent(selection.from_ms),
                      width: `calc(${percent(selection.to_ms)} - ${percent(selection.from_ms)})`,
                    }}
                  />
                ) : null}
                <div
                  className="timeline-playhead"
                  aria-hidden="true"
                  style={{ left: percent(positionMs) }}
                />
              </div>
            </div>
          ))}
        </fieldset>
      )}
      <div className="row timeline-ends muted small" aria-hidden="true">
        <span>0:00</span>
        <span>{clock(duration)}</span>
      </div>
    </section>
  );
}
