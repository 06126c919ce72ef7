import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { clock } from '../clips/clips';
import {
  replayAt,
  snippetParts,
  type TranscriptHitDto,
  transcriptApi,
} from '../space/replay/transcript';

type Results =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'failed'; error: string }
  | { kind: 'found'; query: string; hits: TranscriptHitDto[]; next: string | null };

/**
 * "What was said": spaces found by the words in their transcripts, best
 * first (GET /transcripts/search, which leaves out what this person may not
 * see), each with the line that matched and a link to that moment of the replay.
 */
export function WhatWasSaid() {
  const { t } = useTranslation('spaces');
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results>({ kind: 'idle' });
  const [more, setMore] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  });
  const round = useRef(0);

  const search = (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    if (!q) return;
    const mine = ++round.current;
    setResults({ kind: 'loading' });
    setMore({ busy: false, error: null });
    transcriptApi.search(q).then(
      (page) =>
        mine === round.current &&
        setResults({ kind: 'found', query: q, hits: page.data, next: page.next_cursor }),
      (error: unknown) =>
        mine === round.current && setResults({ kind: 'failed', error: errorMessage(error) }),
    );
  };

  const loadMore = () => {
    if (results.kind !== 'found' || !results.next) return;
    const mine = round.current;
    const { query: q, next } = results;
    setMore({ busy: true, error: null });
    transcriptApi.search(q, next).then(
      (page) => {
        if (mine !== round.current) return;
        setResults((now) =>
          now.kind === 'found'
            ? { ...now, hits: [...now.hits, ...page.data], next: page.next_cursor }
            : now,
        );
        setMore({ busy: false, error: null });
      },
      (error: unknown) =>
        mine === round.current && setMore({ busy: false, error: errorMessage(error) }),
    );
  };

  return (
    <section aria-labelledby={`${id}-title`} className="said-search">
      <h2 id={`${id}-title`}>{t('said.title')}</h2>
      <form className="row said-form" onSubmit={search}>
        <label htmlFor={`${id}-q`} className="visually-hidden">
          {t('said.label')}
        </label>
        <input
          id={`${id}-q`}
          type="search"
          maxLength={200}
          placeholder={t('said.placeholder')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit" disabled={!query.trim()}>
          {t('said.search')}
        </button>
      </form>
      {results.kind === 'loading' ? <Loading /> : null}
      {results.kind === 'failed' ? <ErrorText error={results.error} /> : null}
      {results.kind === 'found' ? (
        <div role="status" className="muted small">
          {results.hits.length === 0
            ? t('said.none', { query: results.query })
            : t('said.count', { count: results.hits.length, query: results.query })}
        </div>
      ) : null}
      {results.kind === 'found' && results.hits.length > 0 ? (
        <>
          <ol className="said-results plain-list" aria-label={t('said.results')}>
            {results.hits.map((hit) => (
              <li key={hit.space.id} className="said-hit">
                <Link to={replayAt(hit.space.id, hit.at_ms)} className="strong" dir="auto">
                  {t('said.open', { title: hit.space.title, at: clock(hit.at_ms) })}
                </Link>
                <p className="said-who">
                  <Avatar user={hit.speaker} size="sm" />
                  <span dir="auto">{hit.speaker.display_name}</span>
                  <span className="muted small">{clock(hit.at_ms)}</span>
                </p>
                <blockquote className="said-snippet" dir="auto">
                  {snippetParts(hit.snippet).map((part, i) =>
                    part.mark ? (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
                      <mark key={i}>{part.text}</mark>
                    ) : (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
                      <span key={i}>{part.text}</span>
                    ),
                  )}
                </blockquote>
              </li>
            ))}
          </ol>
          {results.next ? (
            <button type="button" onClick={loadMore} disabled={more.busy}>
              {t('said.more')}
            </button>
          ) : null}
          <ErrorText error={more.error} />
        </>
      ) : null}
    </section>
  );
}
