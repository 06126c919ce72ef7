import { FollowList } from './FollowList';

/** The two routes of FollowList, as the lazy route table takes them (a component without props). */
export function Followers() {
  return <FollowList direction="followers" />;
}

export function Following() {
  return <FollowList direction="following" />;
}
