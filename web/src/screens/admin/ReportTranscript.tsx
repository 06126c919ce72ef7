import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { transcriptApi } from '../space/replay/transcript';
import type { Person, ReportTranscript as Summary } from './adminApi';

/** Lines shown before the moderator asks for the whole transcript (the page stays short). */
const PREVIEW_LINES = 5;

interface Line {
  key: string;
  name: string | null;
  text: string;
  start_ms: number;
}

/**
 * A reported space's transcript beside its audio: how many lines, the first
 * few (their speakers named when the report knows them: host, subject,
 * reporter), and the whole of it, with every name, on request
 * (GET /spaces/:id/transcript, which moderators may always read).
 */
export function ReportTranscript({
  spaceId,
  title,
  summary,
  people,
}: {
  spaceId: string;
  title: string;
  summary: Summary;
  people: (Person | null)[];
}) {
  const { t } = useTranslation('admin');
  const [all, setAll] = useState<Line[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const names = new Map(people.flatMap((p) => (p ? [[p.id, p.display_name] as const] : [])));
  const lines: Line[] =
    all ??
    summary.lines.slice(0, PREVIEW_LINES).map((line, i) => ({
      key: `${i}`,
      name: names.get(line.speaker_id) ?? null,
      text: line.text,
      start_ms: line.start_ms,
    }));

  const readAll = () => {
    setBusy(true);
    transcriptApi.transcript(spaceId).then(
      (answer) =>
        setAll(
          answer.lines.map((line) => ({
            key: line.utterance_id,
            name: line.speaker.display_name,
            text: line.text,
            start_ms: line.start_ms,
          })),
        ),
      (e: unknown) => {
        setError(errorMessage(e));
        setBusy(false);
      },
    );
  };

  const headingId = `transcript-${spaceId}`;
  return (
    <section className="report-transcript" aria-labelledby={headingId}>
      <h4 id={headingId}>
        {t('transcript.title')}{' '}
        <span className="muted">{t('transcript.count', { count: summary.line_count })}</span>
      </h4>
      <ol
        className="report-transcript-lines plain-list"
        aria-label={t('transcript.lines', { title })}
      >
        {lines.map((line) => (
          <li key={line.key}>
            <time className="muted small" dateTime={new Date(line.start_ms).toISOString()}>
              {new Date(line.start_ms).toLocaleTimeString()}
            </time>{' '}
            <span className="strong" dir="auto">
              {line.name ?? t('transcript.someone')}
            </span>
            {': '}
            <span dir="auto">{line.text}</span>
          </li>
        ))}
      </ol>
      {all === null && (summary.line_count > lines.length || lines.some((l) => !l.name)) ? (
        <button type="button" onClick={readAll} disabled={busy}>
          {t('transcript.readAll', { count: summary.line_count })}
        </button>
      ) : null}
      <ErrorText error={error} />
    </section>
  );
}
