/** The answer of a command that has nothing else to say: the protocol's, declared once. */
export { OkDto as Ok } from '@salon/protocol/schemas';
