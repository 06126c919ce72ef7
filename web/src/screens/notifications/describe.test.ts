import type { NotificationDto } from '@salon/protocol';
import { expect, describe as group, it } from 'vitest';
import { i18n } from '../../i18n';
import { describe } from './Notifications';

const t = i18n.getFixedT('en', 'notifications');
const base = { id: 'n1', read: false, created_at: new Date().toISOString(), actor: null } as const;
const of = (kind: string) => ({ ...base, kind }) as unknown as NotificationDto;

group('staff answers in the notification list', () => {
  it('says what hosting answers mean and leads to the create screen', () => {
    expect(describe(of('hosting_granted'), t)).toEqual({
      text: 'You may host spaces now: an admin granted your request',
      to: '/create',
    });
    expect(describe(of('hosting_declined'), t).to).toBe('/create');
  });

  it('leads moderation decisions to the page where the person reads and appeals them', () => {
    for (const kind of ['report_upheld', 'appeal_granted', 'appeal_denied']) {
      const { text, to } = describe(of(kind), t);
      expect(to).toBe('/standing');
      expect(text).not.toContain('_');
    }
  });
});
