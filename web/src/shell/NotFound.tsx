import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export type Missing = 'page' | 'space' | 'profile' | 'clip';

/**
 * What a link to nothing shows: a page, a space or a person that does not
 * exist (or an address that cannot name one), in words, with a way on.
 */
export function NotFound({ what = 'page' }: { what?: Missing }) {
  const { t } = useTranslation('nav');
  const title = t(`notFound.${what}.title`);
  useEffect(() => {
    const before = document.title;
    document.title = `${title} · Salon`;
    return () => {
      document.title = before;
    };
  }, [title]);
  return (
    <main className="page not-found">
      <h1>{title}</h1>
      <p className="muted">{t(`notFound.${what}.body`)}</p>
      <p className="row">
        {what === 'space' ? (
          <Link className="button primary" to="/spaces">
            {t('notFound.findSpaces')}
          </Link>
        ) : null}
        <Link className={what === 'space' ? 'button' : 'button primary'} to="/">
          {t('notFound.home')}
        </Link>
      </p>
    </main>
  );
}

/** Ids are 20 lowercase base-36 characters (server/src/util/ids.ts). */
const ID = /^[0-9a-z]{20}$/;
export const isId = (value: string) => ID.test(value);

/** Handles are 3–15 letters, digits or underscores. */
const HANDLE = /^[A-Za-z0-9_]{1,15}$/;
export const isHandle = (value: string) => HANDLE.test(value);

/** True when the API said the thing is not there (or its address cannot name one). */
export function isMissing(error: unknown): boolean {
  const e = error as { status?: number; code?: string } | null;
  return e?.status === 404 || (e?.status === 400 && e.code === 'validation_failed');
}
