import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { QuietInput } from '../../components/QuietField';
import { Loading } from '../../components/Spinner';
import { usePages } from '../../components/usePages';
import { useSession } from '../../session';
import { PersonRow } from './PersonRow';

/**
 * /people?q= — find anyone by handle or name, and follow them from the result.
 * The query lives in the URL, so a search can be shared and Back returns to it.
 */
export function PeopleSearch() {
  const { t } = useTranslation('people');
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const results = usePages((cursor) => api.searchUsers(q, cursor), [q, me?.id], q !== '');

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = draft.trim();
    setParams(next ? { q: next } : {});
  }

  return (
    <main className="page">
      <h1>{t('title')}</h1>
      <form className="search" onSubmit={submit}>
        {/* The shared quiet field (as SpacesTab's search), with this search's own props. */}
        <QuietInput
          id="people-search"
          label={t('search_label')}
          type="search"
          placeholder={t('search_placeholder')}
          value={draft}
          maxLength={100}
          onValue={setDraft}
        />
        <button type="submit" className="primary">
          {t('search_button')}
        </button>
      </form>
      {q === '' ? <p className="muted">{t('hint')}</p> : null}
      {results.loading && results.items.length === 0 ? <Loading /> : null}
      <ErrorText error={results.error} />
      {q !== '' && !results.loading && results.items.length === 0 && !results.error ? (
        <p className="muted" role="status">
          {t('no_results', { q })}
        </p>
      ) : null}
      {results.items.length ? (
        <ul className="people-list" aria-label={t('results', { q })}>
          {results.items.map((p) => (
            <PersonRow key={p.id} person={p} signedIn={Boolean(me)} />
          ))}
        </ul>
      ) : null}
      {results.more ? (
        <button type="button" disabled={results.loading} onClick={results.loadMore}>
          {t('more')}
        </button>
      ) : null}
    </main>
  );
}
