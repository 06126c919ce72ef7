/** Why someone reports a space, a person in it or a clip (POST …/report `reason`). */
export const REPORT_REASONS = [
  'spam',
  'abuse',
  'hate',
  'violence',
  'sexual',
  'misinformation',
  'impersonation',
  'other',
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
