import { type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useParams } from 'react-router-dom';
import { Loading } from './components/Spinner';
import { LiveProvider } from './live';
import { MiniPlayer } from './MiniPlayer';
import { AccountNotices } from './screens/admin/AccountNotices';
import { SessionProvider, useSession } from './session';
import { Listening } from './shell/Listening';
import { lazyPage } from './shell/lazyPage';
import { TabBar, TopBar } from './shell/Nav';
import { isHandle, isId, NotFound } from './shell/NotFound';

/**
 * Every screen is its own chunk, loaded when its route is first opened: a
 * guest following a space link downloads the shell and the space page, not
 * the rest of the app.
 */
const page = lazyPage;

const SignIn = page(() => import('./screens/auth/SignIn'), 'SignIn');
const SignUp = page(() => import('./screens/auth/SignUp'), 'SignUp');
const CreateSpace = page(() => import('./screens/create/CreateSpace'), 'CreateSpace');
const Home = page(() => import('./screens/home/Home'), 'Home');
const Conversations = page(() => import('./screens/messages/Messages'), 'Conversations');
const Conversation = page(() => import('./screens/messages/Messages'), 'Conversation');
const Notifications = page(() => import('./screens/notifications/Notifications'), 'Notifications');
const Profile = page(() => import('./screens/profile/Profile'), 'Profile');
const ReplayPage = page(() => import('./screens/space/ReplayPage'), 'ReplayPage');
const ClipPage = page(() => import('./screens/clips/ClipPage'), 'ClipPage');
const SpacePage = page(() => import('./screens/space/SpacePage'), 'SpacePage');
const SpacesTab = page(() => import('./screens/spaces/SpacesTab'), 'SpacesTab');
const PeopleSearch = page(() => import('./screens/people/PeopleSearch'), 'PeopleSearch');
const Followers = page(() => import('./screens/profile/FollowLists'), 'Followers');
const Following = page(() => import('./screens/profile/FollowLists'), 'Following');
const Settings = page(() => import('./screens/settings/Settings'), 'Settings');
const AdminConsole = page(() => import('./screens/admin/AdminConsole'), 'AdminConsole');
const Standing = page(() => import('./screens/admin/Standing'), 'Standing');
const MyTickets = page(() => import('./screens/tickets/MyTickets'), 'MyTickets');
const SalesPage = page(() => import('./screens/tickets/SalesPage'), 'SalesPage');

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
      <Route
        path="/spaces/:id"
        element={
          <ValidId param="id" valid={isId} missing="space">
            <SpacePage />
          </ValidId>
        }
      />
      <Route
        path="/spaces/:id/replay"
        element={
          <ValidId param="id" valid={isId} missing="space">
            <ReplayPage />
          </ValidId>
        }
      />
      <Route
        path="/clips/:id"
        element={
          <ValidId param="id" valid={isId} missing="clip">
            <ClipPage />
          </ValidId>
        }
      />
      <Route
        path="/u/:handle"
        element={
          <ValidId param="handle" valid={isHandle} missing="profile">
            <Profile />
          </ValidId>
        }
      />
      <Route path="/people" element={<PeopleSearch />} />
      <Route
        path="/u/:handle/followers"
        element={
          <ValidId param="handle" valid={isHandle} missing="profile">
            <Followers />
          </ValidId>
        }
      />
      <Route
        path="/u/:handle/following"
        element={
          <ValidId param="handle" valid={isHandle} missing="profile">
            <Following />
          </ValidId>
        }
      />
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
      <Route
        path="/settings"
        element={
          <SignedIn>
            <Settings />
          </SignedIn>
        }
      />
      <Route
        path="/settings/tickets"
        element={
          <SignedIn>
            <MyTickets />
          </SignedIn>
        }
      />
      <Route
        path="/settings/sales"
        element={
          <SignedIn>
            <SalesPage />
          </SignedIn>
        }
      />
      <Route
        path="/admin/*"
        element={
          <SignedIn>
            <AdminConsole />
          </SignedIn>
        }
      />
      <Route
        path="/standing"
        element={
          <SignedIn>
            <Standing />
          </SignedIn>
        }
      />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function Shell() {
  const { t } = useTranslation('nav');
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        {t('skip')}
      </a>
      <TopBar />
      <div id="main" className="content">
        <AccountNotices />
        <Suspense fallback={<Loading />}>
          <AppRoutes />
        </Suspense>
      </div>
      <div className="bottom-dock">
        <Listening />
        <MiniPlayer />
        <TabBar />
      </div>
    </div>
  );
}

/**
 * An address whose id cannot name anything (`/spaces/%%%`) is the app's
 * "not found" page at once, not the server's validation message.
 */
function ValidId({
  param,
  valid,
  missing,
  children,
}: {
  param: string;
  valid: (value: string) => boolean;
  missing: 'space' | 'profile' | 'clip';
  children: ReactNode;
}) {
  const value = useParams()[param] ?? '';
  return valid(value) ? children : <NotFound what={missing} />;
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
