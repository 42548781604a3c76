// The service worker of the Chromium target (wpt-harness --target chromium).
//
// Every `sync` and `periodicsync` event waits for the harness to decide its
// outcome: the harness delivers `{settle: "<kind>:<tag>", outcome}` as a push
// message (DevTools ServiceWorker.deliverPushMessage), which needs no window
// and no network. A decision that arrives before its event is kept for it.
//
// A script URL with `?hold=1` keeps the worker installing until a page posts
// the message "bs-activate" to it.

const waiting = new Map();
const decided = new Map();

function finish(handlers, outcome) {
  if (outcome === 'fulfil') handlers.resolve();
  else handlers.reject(new Error('rejected by the harness'));
}

function decide(key, outcome) {
  const handlers = waiting.get(key);
  if (handlers) {
    waiting.delete(key);
    finish(handlers, outcome);
  } else {
    decided.set(key, outcome);
  }
}

function outcomeOf(key) {
  return new Promise((resolve, reject) => {
    if (decided.has(key)) {
      const outcome = decided.get(key);
      decided.delete(key);
      finish({ resolve, reject }, outcome);
      return;
    }
    waiting.set(key, { resolve, reject });
  });
}

const hold = new URL(self.location.href).searchParams.get('hold') === '1';

self.addEventListener('install', (event) => {
  if (!hold) return;
  event.waitUntil(new Promise((resolve) => {
    self.addEventListener('message', (m) => { if (m.data === 'bs-activate') resolve(); });
  }));
});

self.addEventListener('sync', (event) => event.waitUntil(outcomeOf('sync:' + event.tag)));
self.addEventListener('periodicsync', (event) => event.waitUntil(outcomeOf('periodicsync:' + event.tag)));

self.addEventListener('push', (event) => {
  const data = event.data ? event.data.json() : {};
  if (data.settle) decide(data.settle, data.outcome);
});

// Page-side calls made from the worker itself (`from: sw:R1`), evaluated over DevTools.
self.__bsCall = async (op, tag, minInterval) => {
  const reg = self.registration;
  try {
    switch (op) {
      case 'sync.register': await reg.sync.register(tag); return { ok: true };
      case 'sync.getTags': return { tags: await reg.sync.getTags() };
      case 'periodic.register':
        await (minInterval === undefined ? reg.periodicSync.register(tag) : reg.periodicSync.register(tag, { minInterval }));
        return { ok: true };
      case 'periodic.unregister': await reg.periodicSync.unregister(tag); return { ok: true };
      case 'periodic.getTags': return { tags: await reg.periodicSync.getTags() };
      default: return { name: 'HarnessError', message: 'unknown operation ' + op };
    }
  } catch (e) {
    return { name: e.name, message: e.message };
  }
};
