export * from './reducer.js';
export * from './spaces.js';
