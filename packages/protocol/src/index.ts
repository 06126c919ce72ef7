export * from './captions.js';
export * from './media.js';
export * from './moderation.js';
export * from './money.js';
export * from './reducer.js';
export * from './social.js';
export * from './spaces.js';
