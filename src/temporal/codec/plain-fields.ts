// History fields whose payloads stay unencrypted, as the SDK writes them: search attributes
// (Temporal indexes them: only IDs, status and total go there), headers (interceptors' context),
// and markers (the SDK's core reads its patch markers without the codec).
export const PLAIN_HISTORY_FIELDS: ReadonlySet<string> = new Set([
  'searchAttributes',
  'header',
  'markerRecordedEventAttributes',
]);
