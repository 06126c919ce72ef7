import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { QuietInput } from '../../components/QuietField';
import { Loading } from '../../components/Spinner';
import { count } from '../../components/time';
import { useAsync } from '../../components/useAsync';
import { adminApi, type Role, type StaffPerson } from './adminApi';
import { PersonLine, SuspensionButton } from './parts';

/** Find anyone (suspended people too) and manage their hosting, role and standing. */
export function People({ admin }: { admin: boolean }) {
  const { t } = useTranslation('admin');
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [more, setMore] = useState<StaffPerson[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useAsync(async () => {
    const page = await adminApi.people(query);
    setMore([]);
    setCursor(page.next_cursor);
    return page.data;
  }, [query]);
  const [edited, setEdited] = useState<Record<string, StaffPerson>>({});
  const people = [...(list.data ?? []), ...more].map((p) => edited[p.id] ?? p);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setEdited({});
    setQuery(typed.trim());
  };
  const loadMore = async () => {
    if (!cursor) return;
    const page = await adminApi.people(query, cursor);
    setMore((m) => [...m, ...page.data]);
    setCursor(page.next_cursor);
  };
  const refresh = async (id: string) => {
    const person = await adminApi.person(id);
    setEdited((e) => ({ ...e, [id]: person }));
  };

  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">{t('people.title')}</h2>
      <form className="row" onSubmit={search}>
        <QuietInput
          id="admin-people-q"
          label={t('people.search')}
          type="search"
          value={typed}
          placeholder={t('people.placeholder')}
          onValue={setTyped}
        />
        <button type="submit">{t('people.search')}</button>
      </form>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorText error={list.error} />
      {list.data && people.length === 0 ? (
        <p className="empty muted">{t('people.none', { query })}</p>
      ) : null}
      <ul className="admin-list">
        {people.map((person) => (
          <li key={person.id}>
            <PersonCard person={person} admin={admin} onChanged={() => refresh(person.id)} />
          </li>
        ))}
      </ul>
      {cursor ? (
        <button type="button" onClick={() => void loadMore()}>
          {t('people.more')}
        </button>
      ) : null}
    </section>
  );
}

function PersonCard({
  person,
  admin,
  onChanged,
}: {
  person: StaffPerson;
  admin: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation('admin');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    work()
      .then(onChanged)
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => setBusy(false));
  };
  const setRole = (role: Role) => act(() => adminApi.setRole(person.id, role));
  return (
    <article className="admin-card person-card" aria-label={person.display_name}>
      <div className="admin-card-head">
        <PersonLine person={person} />
        <span className="row">
          {person.role !== 'user' ? (
            <span className="badge badge-role">{t(`role.${person.role}`)}</span>
          ) : null}
          {person.owner ? <span className="badge badge-role">{t('people.owner')}</span> : null}
        </span>
      </div>
      <p className="muted">
        {t('people.followers', {
          count: person.followers_count,
          formatted: count(person.followers_count),
        })}
        {' · '}
        {person.may_host
          ? person.can_host
            ? t('people.hostGranted')
            : t('people.mayHost')
          : t('people.mayNotHost')}
      </p>
      <div className="row admin-actions">
        {admin ? (
          person.can_host ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(() => adminApi.setHosting(person.id, false))}
            >
              {t('people.withdrawHosting', { name: person.display_name })}
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(() => adminApi.setHosting(person.id, true))}
            >
              {t('people.grantHosting', { name: person.display_name })}
            </button>
          )
        ) : null}
        {admin && !person.owner ? (
          person.role === 'moderator' ? (
            <button type="button" disabled={busy} onClick={() => setRole('user')}>
              {t('people.removeModerator', { name: person.display_name })}
            </button>
          ) : person.role === 'user' ? (
            <button type="button" disabled={busy} onClick={() => setRole('moderator')}>
              {t('people.makeModerator', { name: person.display_name })}
            </button>
          ) : null
        ) : null}
        {!person.owner ? (
          <SuspensionButton person={person} onChanged={() => void onChanged()} />
        ) : null}
      </div>
      <ErrorText error={error} />
    </article>
  );
}
