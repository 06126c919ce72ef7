import { type ReactNode, useId } from 'react';

/** One titled part of the settings page, a landmark screen readers can jump to. */
export function SettingsSection({
  title,
  intro,
  children,
  id,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  id?: string;
}) {
  const headingId = useId();
  return (
    <section className="settings-section" aria-labelledby={headingId} id={id}>
      <h2 id={headingId}>{title}</h2>
      {intro ? <p className="muted">{intro}</p> : null}
      {children}
    </section>
  );
}
