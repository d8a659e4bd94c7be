/** The portal's shell. The pages come with the sign-in API (docs/portal.md). */
export function App() {
  return (
    <main>
      <h1>Relais</h1>
      <p>Portail client et console de l'agrégateur.</p>
    </main>
  );
}
