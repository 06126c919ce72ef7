import {
  ConversationDto,
  MessageDto,
  NotificationDto,
  PersonDto,
  PostDto,
  ProfileDto,
  UserDto,
} from '@salon/protocol/schemas';
import { PageOf } from '../http/pagination.js';

/** Posts' and messages' wire shapes are the protocol's, declared once for the server and the web. */
export {
  ConversationDto,
  CreatePostBody,
  MarkReadBody,
  MessageDto,
  NotificationDto,
  PostDto,
  SendMessageBody,
} from '@salon/protocol/schemas';

export const UserPage = PageOf(UserDto);
/** People in a list (search, followers, following): with your relationship, null when signed out or yourself. */
export const PersonPage = PageOf(PersonDto);
export const PostPage = PageOf(PostDto);
export const MessagePage = PageOf(MessageDto);
export const ConversationPage = PageOf(ConversationDto);
export const NotificationPage = PageOf(NotificationDto);
export { ProfileDto };
