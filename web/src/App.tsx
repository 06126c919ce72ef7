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

type Missing = 'space' | 'clip' | 'profile';
/** A page behind a route parameter that must look like an id or a handle (NotFound otherwise). */
const byId = (missing: Missing, element: ReactNode) => (
  <ValidId param="id" valid={isId} missing={missing}>
    {element}
  </ValidId>
);
const byHandle = (missing: Missing, element: ReactNode) => (
  <ValidId param="handle" valid={isHandle} missing={missing}>
    {element}
  </ValidId>
);
/** A page for signed-in people only. */
const signedIn = (element: ReactNode) => <SignedIn>{element}</SignedIn>;

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/signin" element={<SignIn />} />
      <Route path="/signup" element={<SignUp />} />
      <Route path="/spaces" element={<SpacesTab />} />
      <Route path="/spaces/:id" element={byId('space', <SpacePage />)} />
      <Route path="/spaces/:id/replay" element={byId('space', <ReplayPage />)} />
      <Route path="/clips/:id" element={byId('clip', <ClipPage />)} />
      <Route path="/u/:handle" element={byHandle('profile', <Profile />)} />
      <Route path="/people" element={<PeopleSearch />} />
      <Route path="/u/:handle/followers" element={byHandle('profile', <Followers />)} />
      <Route path="/u/:handle/following" element={byHandle('profile', <Following />)} />
      <Route path="/create" element={signedIn(<CreateSpace />)} />
      <Route path="/messages" element={signedIn(<Conversations />)} />
      <Route path="/messages/:userId" element={signedIn(<Conversation />)} />
      <Route path="/notifications" element={signedIn(<Notifications />)} />
      <Route path="/settings" element={signedIn(<Settings />)} />
      <Route path="/settings/tickets" element={signedIn(<MyTickets />)} />
      <Route path="/settings/sales" element={signedIn(<SalesPage />)} />
      <Route path="/admin/*" element={signedIn(<AdminConsole />)} />
      <Route path="/standing" element={signedIn(<Standing />)} />
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
  missing: Missing;
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
