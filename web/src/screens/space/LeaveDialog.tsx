import type { SpaceSnapshot } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Confirm } from './Confirm';

/**
 * What the host sees on Leave: as on X, the host leaving ends the space, so
 * it says so; or the host hands the space to a co-host first and stays as a
 * listener.
 */
export function LeaveDialog({
  snapshot,
  onEnd,
  onHandOver,
  onClose,
}: {
  snapshot: SpaceSnapshot;
  onEnd: () => void;
  onHandOver: (userId: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('space');
  const cohosts = snapshot.stage.filter((m) => m.role === 'cohost');
  return (
    <Confirm
      title={t('confirmLeave.title')}
      cancel={t('confirmLeave.cancel')}
      confirm={t('confirmLeave.confirm')}
      onConfirm={onEnd}
      onClose={onClose}
    >
      <p className="muted">{t('confirmLeave.body')}</p>
      <h3>{t('confirmLeave.handoverTitle')}</h3>
      {cohosts.length > 0 ? (
        <>
          <p className="muted">{t('confirmLeave.handoverBody')}</p>
          <ul className="menu">
            {cohosts.map((m) => (
              <li key={m.user_id}>
                <button type="button" className="primary" onClick={() => onHandOver(m.user_id)}>
                  {t('confirmLeave.handover', { name: m.user.display_name })}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">{t('confirmLeave.noCohost')}</p>
      )}
    </Confirm>
  );
}
