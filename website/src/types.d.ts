/** Module written at build time by plugins/delphi-library.ts. */
declare module '@generated/delphi-library/default/live-modules.js' {
  /** Version of the library (root package.json). */
  export const libraryVersion: string;
  /** Import specifier → loader of that module's chunk. */
  export const liveModules: Record<string, () => Promise<unknown>>;
}
