/** The tab bar's pictograms: decoration only, every tab is named by its text. */
const PATHS = {
  home: 'M3 11.5 12 4l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z',
  spaces:
    'M12 3a9 9 0 0 0-9 9h2a7 7 0 0 1 14 0h2a9 9 0 0 0-9-9zm0 4a5 5 0 0 0-5 5h2a3 3 0 0 1 6 0h2a5 5 0 0 0-5-5zm0 4a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm-1 4h2v6h-2z',
  create: 'M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z',
  messages: 'M3 5h18v12H8l-5 4zm2 2v9.6L7.3 15H19V7z',
  notifications: 'M12 3a6 6 0 0 0-6 6v4l-2 3v1h16v-1l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0z',
  profile: 'M12 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm-8 16a8 6 0 0 1 16 0z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      className="tab-icon"
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} fill="currentColor" />
    </svg>
  );
}
