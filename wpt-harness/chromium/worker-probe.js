// A dedicated worker that reports which Background Sync interfaces its global
// scope exposes (for the binding-shape checks of the Chromium target).
self.postMessage(['SyncManager', 'PeriodicSyncManager', 'ServiceWorkerRegistration', 'SyncEvent',
  'PeriodicSyncEvent', 'ServiceWorkerGlobalScope'].filter((name) => name in self));
