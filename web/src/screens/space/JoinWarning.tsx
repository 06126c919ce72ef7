/** Before joining: people you blocked are speaking here. */
export function JoinWarning({
  blocked,
  onJoin,
  onBack,
}: {
  blocked: { id: string; handle: string; display_name: string }[];
  onJoin: () => void;
  onBack: () => void;
}) {
  const names = blocked.map((b) => `${b.display_name} (@${b.handle})`).join(', ');
  return (
    <section className="join-warning" role="alertdialog" aria-labelledby="warning-title">
      <h2 id="warning-title">Someone you blocked is on stage</h2>
      <p>
        {names} {blocked.length === 1 ? 'is' : 'are'} speaking in this space. You will hear them if
        you join.
      </p>
      <div className="row">
        <button type="button" className="primary" onClick={onJoin}>
          Join anyway
        </button>
        <button type="button" onClick={onBack}>
          Go back
        </button>
      </div>
    </section>
  );
}
