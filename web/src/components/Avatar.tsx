import type { UserSummaryDto } from '@salon/protocol';

export type AvatarSize = 'sm' | 'md' | 'lg' | 'xl';

/** A person's picture, or their initials on a colour of their own; `live` adds the purple ring. */
export function Avatar({
  user,
  size = 'md',
  live = false,
}: {
  user: Pick<UserSummaryDto, 'id' | 'display_name' | 'avatar_url'>;
  size?: AvatarSize;
  live?: boolean;
}) {
  const className = `avatar avatar-${size}${live ? ' avatar-live' : ''}`;
  if (user.avatar_url) {
    return <img className={className} src={user.avatar_url} alt="" />;
  }
  return (
    <span className={className} style={{ background: colorOf(user.id) }} aria-hidden="true">
      {initials(user.display_name)}
    </span>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts.slice(0, 1);
  return letters.map((p) => [...p][0]!.toUpperCase()).join('') || '?';
}

/** Dark enough for white initials at WCAG AA: at 31% lightness every hue gives at least 5:1. */
function colorOf(id: string): string {
  // FNV-1a: ids that differ only in their last characters still get far-apart hues.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return `hsl(${(hash >>> 0) % 360} 45% 31%)`;
}
