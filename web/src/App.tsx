import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { Loading } from './components/Spinner';
import { LiveProvider, useLive } from './live';
import { MiniPlayer } from './MiniPlayer';
import { SignIn } from './screens/auth/SignIn';
import { SignUp } from './screens/auth/SignUp';
import { CreateSpace } from './screens/create/CreateSpace';
import { Home } from './screens/home/Home';
import { Conversation, Conversations } from './screens/messages/Messages';
import { Notifications } from './screens/notifications/Notifications';
import { Profile } from './screens/profile/Profile';
import { ReplayPage } from './screens/space/ReplayPage';
import { SpacePage } from './screens/space/SpacePage';
import { SpacesTab } from './screens/spaces/SpacesTab';
import { SessionProvider, useSession } from './session';

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <LiveProvider>
          <Shell />
        </LiveProvider>
      </SessionProvider>
    </BrowserRouter>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/signin" element={<SignIn />} />
      <Route path="/signup" element={<SignUp />} />
      <Route path="/spaces" element={<SpacesTab />} />
      <Route path="/spaces/:id" element={<SpacePage />} />
      <Route path="/spaces/:id/replay" element={<ReplayPage />} />
      <Route path="/u/:handle" element={<Profile />} />
      <Route
        path="/create"
        element={
          <SignedIn>
            <CreateSpace />
          </SignedIn>
        }
      />
      <Route
        path="/messages"
        element={
          <SignedIn>
            <Conversations />
          </SignedIn>
        }
      />
      <Route
        path="/messages/:userId"
        element={
          <SignedIn>
            <Conversation />
          </SignedIn>
        }
      />
      <Route
        path="/notifications"
        element={
          <SignedIn>
            <Notifications />
          </SignedIn>
        }
      />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function Shell() {
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <TopBar />
      <div id="main" className="content">
        <AppRoutes />
      </div>
      <MiniPlayer />
    </div>
  );
}

function TopBar() {
  const { me } = useSession();
  const { unread } = useLive();
  return (
    <header className="topbar">
      <NavLink to="/" className="brand" aria-label="Salon home">
        <span aria-hidden="true">◉</span> Salon
      </NavLink>
      <nav aria-label="Main">
        <ul>
          <li>
            <NavLink to="/" end>
              Home
            </NavLink>
          </li>
          <li>
            <NavLink to="/spaces" end>
              Spaces
            </NavLink>
          </li>
          {me ? (
            <>
              <li>
                <NavLink to="/create">Create</NavLink>
              </li>
              <li>
                <NavLink to="/messages">Messages</NavLink>
              </li>
              <li>
                <NavLink to="/notifications">
                  Notifications
                  {unread ? (
                    // Read as "Notifications, 2 unread"; the badge shows the number.
                    <span className="count">
                      <span className="visually-hidden">, </span>
                      <span data-testid="unread">{unread}</span>
                      <span className="visually-hidden"> unread</span>
                    </span>
                  ) : null}
                </NavLink>
              </li>
              <li>
                <NavLink to={`/u/${me.handle}`}>Profile</NavLink>
              </li>
            </>
          ) : me === null ? (
            <>
              <li>
                <NavLink to="/signin">Sign in</NavLink>
              </li>
              <li>
                <NavLink to="/signup">Sign up</NavLink>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
    </header>
  );
}

function SignedIn({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const location = useLocation();
  if (me === undefined) return <Loading />;
  if (me === null) {
    return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  }
  return children;
}

function NotFound() {
  return (
    <main className="page">
      <h1>Page not found</h1>
      <p>
        <NavLink to="/">Go home</NavLink>
      </p>
    </main>
  );
}
