import { REACTION_EMOJI, type ReactionEmoji } from '@salon/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { floatingEmoji, type ReactionBatch } from '../../spaceStore';

/** Each emoji's name for screen readers, as a key of `space:reactions.names`. */
const NAMES: Record<ReactionEmoji, string> = {
  '💯': 'hundred',
  '✋': 'raisedHand',
  '✊': 'fist',
  '✌️': 'victory',
  '👋': 'wave',
  '😂': 'laugh',
  '❤️': 'heart',
  '👍': 'thumbsUp',
};

export function ReactionBar({
  onReact,
  disabled,
}: {
  onReact: (emoji: ReactionEmoji) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation('space');
  return (
    <fieldset className="reaction-bar plain">
      <legend className="visually-hidden">{t('reactions.legend')}</legend>
      {REACTION_EMOJI.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className="reaction"
          disabled={disabled}
          aria-label={t('reactions.react', { name: t(`reactions.names.${NAMES[emoji]}`) })}
          onClick={() => onReact(emoji)}
        >
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}

// Alike in shape only to the mixer's Channel and constants (audio/engine/mixer.ts): unrelated things.
interface Floater {
  id: number;
  emoji: ReactionEmoji;
  left: number;
  delay: number;
}

const FLOAT_MS = 2600;
const MAX_ON_SCREEN = 40;

/** Emoji of everyone's reactions, rising over the stage; a summary goes to screen readers. */
export function FloatingReactions({
  source,
}: {
  source: (listener: (batch: ReactionBatch) => void) => () => void;
}) {
  const { t } = useTranslation('space');
  const [floaters, setFloaters] = useState<Floater[]>([]);
  const [summary, setSummary] = useState('');
  const next = useRef(0);

  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const off = source(({ counts, windowMs }) => {
      const emoji = floatingEmoji(counts);
      const added = emoji.map((e) => ({
        id: next.current++,
        emoji: e,
        left: 5 + Math.random() * 85,
        delay: Math.random() * Math.min(windowMs, 400),
      }));
      setFloaters((list) => [...list, ...added].slice(-MAX_ON_SCREEN));
      setSummary(
        Object.entries(counts)
          .map(([e, n]) => {
            const name = NAMES[e as ReactionEmoji];
            return `${n} ${name ? t(`reactions.names.${name}`) : e}`;
          })
          .join(', '),
      );
      const ids = new Set(added.map((f) => f.id));
      const timer = setTimeout(() => {
        timers.delete(timer);
        setFloaters((list) => list.filter((f) => !ids.has(f.id)));
      }, FLOAT_MS + 500);
      timers.add(timer);
    });
    return () => {
      off();
      for (const t of timers) clearTimeout(t);
    };
  }, [source, t]);

  return (
    <div className="floating-reactions" aria-hidden={floaters.length === 0}>
      {floaters.map((f) => (
        <span
          key={f.id}
          className="floater"
          data-emoji={f.emoji}
          aria-hidden="true"
          style={{ left: `${f.left}%`, animationDelay: `${f.delay}ms` }}
        >
          {f.emoji}
        </span>
      ))}
      <span className="visually-hidden" aria-live="polite">
        {summary ? t('reactions.summary', { summary }) : ''}
      </span>
    </div>
  );
}
