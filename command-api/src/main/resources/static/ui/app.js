// Depot's upload page: plain JavaScript against Depot's own API, nothing fetched from elsewhere.
'use strict';

(() => {
  const PART_SIZE = 5 * 1024 * 1024;
  const TOKEN_KEY = 'depot.token';
  const UPLOADS_KEY = 'depot.uploads';
  const MODE_KEY = 'depot.mode';
  const $ = (id) => document.getElementById(id);

  // ---- the token -------------------------------------------------------------------------------------------

  const session = {
    token: null,
    user: null,

    load() {
      const token = sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY);
      if (token && !this.use(token, null)) {
        this.forget();
      }
    },

    /** Takes a token if it names a user and has not expired; remember: null keeps the current storage. */
    use(token, remember) {
      const claims = decodeClaims(token);
      if (!claims || !claims.sub || (claims.exp && claims.exp * 1000 < Date.now())) {
        return false;
      }
      this.token = token;
      this.user = claims.sub;
      if (remember !== null) {
        sessionStorage.removeItem(TOKEN_KEY);
        localStorage.removeItem(TOKEN_KEY);
        (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
      }
      return true;
    },

    forget() {
      this.token = null;
      this.user = null;
      sessionStorage.removeItem(TOKEN_KEY);
      localStorage.removeItem(TOKEN_KEY);
    },
  };

  function decodeClaims(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      return null;
    }
  }

  // ---- calls to Depot ---------------------------------------------------------------------------------------

  /** A refusal: the problem's detail (RFC 9457) as the message. */
  class Problem extends Error {
    constructor(status, body) {
      const detail = body && (body.detail || body.title);
      super(detail || `Depot answered ${status}`);
      this.status = status;
      this.code = body && body.code;
    }
  }

  function parse(text) {
    try {
      return text ? JSON.parse(text) : null;
    } catch (e) {
      return null;
    }
  }

  async function call(method, path, body, withToken = true) {
    const headers = {};
    if (withToken) {
      headers.Authorization = `Bearer ${session.token}`;
    }
    const init = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new Error('Depot cannot be reached; check the connection and try again');
    }
    const json = parse(await response.text());
    if (!response.ok) {
      const problem = new Problem(response.status, json);
      if (response.status === 401 && withToken) {
        signOut(`Signed out: ${problem.message}`);
      }
      throw problem;
    }
    return json;
  }

  function announce(message, isError = false) {
    const status = $('status');
    status.textContent = message;
    status.classList.toggle('error', isError);
  }

  // ---- uploads that can be resumed after a reload --------------------------------------------------------------

  /** Upload ids by file identity (user, name, size, last modified), kept in localStorage. */
  const resumable = {
    key(file) {
      return [session.user, file.name, file.size, file.lastModified].join('\n');
    },
    all() {
      return parse(localStorage.getItem(UPLOADS_KEY)) || {};
    },
    get(file) {
      return this.all()[this.key(file)] || null;
    },
    put(file, uploadId, mode) {
      const all = this.all();
      all[this.key(file)] = { upload_id: uploadId, name: file.name, size: file.size, mode };
      localStorage.setItem(UPLOADS_KEY, JSON.stringify(all));
    },
    remove(key) {
      const all = this.all();
      delete all[key];
      localStorage.setItem(UPLOADS_KEY, JSON.stringify(all));
    },
    ofUser() {
      return Object.entries(this.all()).filter(([key]) => key.split('\n')[0] === session.user);
    },
  };

  // ---- transports -------------------------------------------------------------------------------------------
  //
  // A transport moves one file: start(), pause(), resume(). It reports through hooks:
  //   opened(uploadId), progress(bytesStored, bytesInFlight, sent), state(name, text),
  //   resumed(partsHeld, partCount) or resumed(null, null, bytesHeld),
  //   done(result), failed(message).
  // Each protocol is a factory in TRANSPORTS: Depot's multipart API (parts through Depot or to storage) and tus.

  class Paused extends Error {
  }

  /** A request with upload progress, resolving with the finished XMLHttpRequest whatever its status. */
  function send(method, url, headers, body, onProgress, track,
    unreachable = 'the connection to Depot broke off; resume to continue') {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      track(xhr);
      xhr.open(method, url);
      Object.entries(headers).forEach(([name, value]) => xhr.setRequestHeader(name, value));
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => resolve(xhr);
      xhr.onerror = () => reject(new Error(unreachable));
      xhr.onabort = () => reject(new Paused());
      xhr.send(body);
    });
  }

  /** A PUT of a blob with upload progress. */
  function put(url, headers, blob, onProgress, track, unreachable) {
    return send('PUT', url, headers, blob, onProgress, track, unreachable);
  }

  /**
   * start, resume and pause around a transport's run(control): pausing sets control.paused, which run() checks
   * between steps, and aborts control.request, the request in flight.
   */
  function controlled(run, hooks) {
    const control = { paused: false, request: null };
    let running = null;

    function go() {
      if (running) {
        return;
      }
      control.paused = false;
      running = run(control)
        .catch((e) => (e instanceof Paused ? hooks.state('paused', 'Paused') : hooks.failed(e.message)))
        .finally(() => {
          running = null;
          control.request = null;
        });
    }

    return {
      start: go,
      resume: go,
      pause() {
        control.paused = true;
        if (control.request) {
          control.request.abort();
        }
      },
    };
  }

  /** Part n streamed through Depot: PUT /v1/uploads/{id}/parts/{n}, which records it. */
  async function partThroughDepot(state, number, blob, onProgress, track) {
    const xhr = await put(`/v1/uploads/${encodeURIComponent(state.upload_id)}/parts/${number}`, {
      Authorization: `Bearer ${session.token}`,
      'Content-Type': 'application/octet-stream',
    }, blob, onProgress, track, 'the connection to Depot broke off; resume to continue');
    if (xhr.status < 200 || xhr.status >= 300) {
      const problem = new Problem(xhr.status, parse(xhr.responseText));
      if (xhr.status === 401) {
        signOut(`Signed out: ${problem.message}`);
      }
      throw problem;
    }
  }

  /**
   * Part n put straight to storage through its presigned URL, then its ETag reported to Depot. Storage must answer
   * CORS for this page's origin and expose the ETag header.
   */
  async function partToStorage(state, number, blob, onProgress, track) {
    const target = state.presigned_urls.find((u) => u.part_number === number);
    if (!target) {
      throw new Error(`Depot gave no URL for part ${number}`);
    }
    const xhr = await put(target.url, {}, blob, onProgress, track,
      'storage cannot be reached from this page (does the bucket allow this origin by CORS?)');
    if (xhr.status < 200 || xhr.status >= 300) {
      throw new Error(`storage refused part ${number} (HTTP ${xhr.status}); resume to try again with fresh URLs`);
    }
    const etag = xhr.getResponseHeader('ETag');
    if (!etag) {
      throw new Error('storage does not expose the ETag header to this page: add it to the bucket\'s CORS rules');
    }
    await call('POST', `/v1/uploads/${encodeURIComponent(state.upload_id)}/parts/${number}`, { etag });
  }

  /**
   * Depot's multipart API: open an upload (or find the one this file had), send the parts storage lacks one after
   * another with sendPart, complete. Pausing aborts the part in flight; resuming asks Depot again what it holds.
   */
  function multipart(sendPart) {
    return (file, hooks) => {
      const sent = { parts: 0, bytes: 0 };

      async function openOrFind() {
        const saved = resumable.get(file);
        if (saved && saved.mode !== 'tus') {
          try {
            const state = await call('GET', `/v1/uploads/${encodeURIComponent(saved.upload_id)}`);
            if ((state.status === 'in_progress' || state.status === 'completed') && state.size === file.size) {
              hooks.resumed(state.parts_uploaded.length, state.part_count);
              return state;
            }
          } catch (e) {
            if (!(e instanceof Problem) || e.status !== 404) {
              throw e;
            }
          }
          resumable.remove(resumable.key(file)); // expired, aborted or unknown: start afresh
        }
        const initiated = await call('POST', '/v1/uploads/initiate', {
          filename: file.name,
          content_type: file.type || 'application/octet-stream',
          size: file.size,
          part_size: PART_SIZE,
        });
        resumable.put(file, initiated.upload_id, 'multipart');
        return call('GET', `/v1/uploads/${encodeURIComponent(initiated.upload_id)}`);
      }

      async function run(control) {
        hooks.state('running', 'Preparing…');
        const state = await openOrFind();
        hooks.opened(state.upload_id);
        let stored = state.bytes_uploaded;
        hooks.progress(stored, 0);
        if (state.status === 'in_progress') {
          hooks.state('running', 'Uploading…');
          for (const number of state.missing_parts) {
            if (control.paused) {
              throw new Paused();
            }
            const from = (number - 1) * state.part_size;
            const blob = file.slice(from, Math.min(file.size, from + state.part_size));
            await sendPart(state, number, blob, (loaded) => hooks.progress(stored, loaded), (xhr) => {
              control.request = xhr;
            });
            control.request = null;
            stored += blob.size;
            sent.parts += 1;
            sent.bytes += blob.size;
            hooks.progress(stored, 0, sent);
          }
        }
        if (control.paused) {
          throw new Paused();
        }
        hooks.state('running', 'Completing…');
        const result = await call('POST', `/v1/uploads/${encodeURIComponent(state.upload_id)}/complete`);
        resumable.remove(resumable.key(file));
        hooks.progress(file.size, 0, sent);
        hooks.done(result);
      }

      return controlled(run, hooks);
    };
  }

  const TUS_CHUNK = 8 * 1024 * 1024;

  /**
   * tus 1.0 at /v1/tus/: create the upload (its id kept like any other), then PATCH chunks from the offset Depot holds.
   * Pausing aborts the PATCH in flight; Depot keeps the bytes that reached it, and resuming asks where it stands
   * (HEAD) and goes on from that byte.
   */
  function tus(file, hooks) {
    const sent = { parts: 0, bytes: 0 };
    const headers = () => ({ Authorization: `Bearer ${session.token}`, 'Tus-Resumable': '1.0.0' });
    let control = null;
    const track = (xhr) => {
      control.request = xhr;
    };
    const base64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

    function refused(xhr) {
      const problem = new Problem(xhr.status, parse(xhr.responseText));
      if (xhr.status === 401) {
        signOut(`Signed out: ${problem.message}`);
      }
      return problem;
    }

    /** Where the upload stands, or null when it is gone (expired, terminated) or unknown. */
    async function offsetOf(url) {
      const xhr = await send('HEAD', url, headers(), null, () => {}, track);
      if (xhr.status === 404 || xhr.status === 410) {
        return null;
      }
      if (xhr.status !== 200) {
        throw refused(xhr);
      }
      return Number(xhr.getResponseHeader('Upload-Offset'));
    }

    async function openOrFind() {
      const saved = resumable.get(file);
      if (saved && saved.mode === 'tus') {
        const url = `/v1/tus/${encodeURIComponent(saved.upload_id)}`;
        const offset = await offsetOf(url);
        if (offset !== null) {
          hooks.resumed(null, null, offset);
          return { id: saved.upload_id, url, offset };
        }
        resumable.remove(resumable.key(file));
      }
      const metadata = `filename ${base64(file.name)},filetype ${base64(file.type || 'application/octet-stream')}`;
      const xhr = await send('POST', '/v1/tus/', { ...headers(), 'Upload-Length': String(file.size),
        'Upload-Metadata': metadata }, null, () => {}, track);
      if (xhr.status !== 201) {
        throw refused(xhr);
      }
      const url = xhr.getResponseHeader('Location');
      const id = url.substring(url.lastIndexOf('/') + 1);
      resumable.put(file, id, 'tus');
      return { id, url, offset: 0 };
    }

    async function run(controls) {
      control = controls;
      hooks.state('running', 'Preparing…');
      const upload = await openOrFind();
      hooks.opened(upload.id);
      let offset = upload.offset;
      hooks.progress(offset, 0);
      hooks.state('running', 'Uploading…');
      while (offset < file.size || (file.size === 0 && offset === 0 && sent.parts === 0)) {
        if (control.paused) {
          throw new Paused();
        }
        const chunk = file.slice(offset, Math.min(file.size, offset + TUS_CHUNK));
        const xhr = await send('PATCH', upload.url, { ...headers(), 'Upload-Offset': String(offset),
          'Content-Type': 'application/offset+octet-stream' }, chunk, (loaded) => hooks.progress(offset, loaded), track);
        control.request = null;
        if (xhr.status === 409 || xhr.status === 423) {
          // Another request holds the upload, or it stands elsewhere: ask again where.
          await new Promise((resolve) => setTimeout(resolve, 500));
          offset = await offsetOf(upload.url);
          if (offset === null) {
            throw new Error('the upload expired or was ended; choose the file again to start afresh');
          }
          continue;
        }
        if (xhr.status !== 204) {
          throw refused(xhr);
        }
        const reached = Number(xhr.getResponseHeader('Upload-Offset'));
        sent.parts += 1;
        sent.bytes += reached - offset;
        offset = reached;
        hooks.progress(offset, 0, sent);
        if (file.size === 0) {
          break;
        }
      }
      // The last chunk completed the upload.
      const state = await call('GET', `/v1/uploads/${encodeURIComponent(upload.id)}`);
      resumable.remove(resumable.key(file));
      hooks.done({ file_id: state.file_id, version: state.version });
    }

    return controlled(run, hooks);
  }

  const TRANSPORTS = { depot: multipart(partThroughDepot), storage: multipart(partToStorage), tus };

  // ---- the upload list --------------------------------------------------------------------------------------

  const rows = new Map();

  function formatBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
  }

  function element(tag, attributes = {}, text = '') {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    node.textContent = text;
    return node;
  }

  /** A row of the upload list, for a file being uploaded or one left unfinished before a reload. */
  function uploadRow(key, name, size) {
    const li = element('li', { 'data-name': name, 'data-state': 'waiting' });
    const label = element('strong', {}, name);
    const progress = element('progress', { max: String(Math.max(size, 1)), value: '0', 'aria-label': `Upload of ${name}` });
    const numbers = element('span', { class: 'numbers' }, `0% · 0 B of ${formatBytes(size)}`);
    const state = element('span', { class: 'state' }, '');
    const pause = element('button', { type: 'button', class: 'pause secondary' }, 'Pause');
    const resume = element('button', { type: 'button', class: 'resume secondary' }, 'Resume');
    const buttons = element('span');
    buttons.append(pause, ' ', resume);
    const line = element('span');
    line.append(numbers, ' · ', state);
    li.append(label, buttons, progress, line);
    $('uploads').append(li);
    pause.disabled = true;
    resume.disabled = true;
    const row = { li, key, transport: null };

    row.show = (stored, inFlight) => {
      const done = Math.min(size, stored + inFlight);
      const percent = size === 0 ? 100 : Math.floor((done / size) * 100);
      progress.value = done;
      numbers.textContent = `${percent}% · ${formatBytes(done)} of ${formatBytes(size)}`;
      li.dataset.percent = String(percent);
      li.dataset.bytes = String(done);
    };
    row.setState = (name, text, isError = false) => {
      li.dataset.state = name;
      state.textContent = text;
      state.classList.toggle('error', isError);
      pause.disabled = name !== 'running';
      resume.disabled = name !== 'paused' && name !== 'failed';
    };
    row.attach = (file) => {
      const hooks = {
        opened(uploadId) {
          li.dataset.uploadId = uploadId;
        },
        progress(stored, inFlight, sent) {
          row.show(stored, inFlight);
          if (sent) {
            li.dataset.partsSent = String(sent.parts);
            li.dataset.bytesSent = String(sent.bytes);
          }
        },
        state: (name, text) => row.setState(name, text),
        resumed(held, count, bytes) {
          if (bytes !== undefined) {
            li.dataset.bytesHeld = String(bytes);
            announce(`Resuming ${file.name}: Depot holds ${formatBytes(bytes)} of ${formatBytes(file.size)}.`);
            return;
          }
          li.dataset.partsHeld = String(held);
          announce(`Resuming ${file.name}: Depot holds ${held} of ${count} parts.`);
        },
        done(result) {
          li.dataset.fileId = result.file_id;
          row.setState('done', `Uploaded, version ${result.version}`);
          pause.disabled = true;
          resume.disabled = true;
          announce(`${file.name} uploaded.`);
          refreshUntilListed(result.file_id, result.version);
        },
        failed(message) {
          row.setState('failed', message, true);
          announce(`${file.name}: ${message}`, true);
        },
      };
      li.dataset.partsSent = '0';
      li.dataset.bytesSent = '0';
      // An upload left unfinished resumes the way it began.
      const saved = resumable.get(file);
      const chosen = document.querySelector('input[name=mode]:checked').value;
      const mode = saved && saved.mode === 'tus' ? 'tus' : saved && chosen === 'tus' ? 'depot' : chosen;
      li.dataset.mode = mode;
      row.transport = TRANSPORTS[mode](file, hooks);
      row.transport.start();
    };
    pause.addEventListener('click', () => row.transport && row.transport.pause());
    resume.addEventListener('click', () => row.transport && row.transport.resume());
    rows.set(key, row);
    return row;
  }

  function addFiles(fileList) {
    for (const file of fileList) {
      const key = resumable.key(file);
      let row = rows.get(key);
      if (row && row.transport) {
        if (row.li.dataset.state === 'done') {
          row.li.remove();
          rows.delete(key);
          row = null;
        } else {
          if (row.li.dataset.state !== 'running') {
            row.transport.resume();
          }
          continue;
        }
      }
      (row || uploadRow(key, file.name, file.size)).attach(file);
    }
  }

  /** Rows for uploads left unfinished before this page was loaded: choosing the same file again resumes them. */
  function showUnfinished() {
    for (const [key, saved] of resumable.ofUser()) {
      if (!rows.has(key)) {
        uploadRow(key, saved.name, saved.size).setState('waiting', 'Unfinished: choose this file again to resume');
      }
    }
  }

  // ---- the user's files -------------------------------------------------------------------------------------

  async function refreshFiles() {
    const page = await call('GET', `/v1/users/${encodeURIComponent(session.user)}/files?size=100`);
    const body = $('file-list');
    body.replaceChildren();
    for (const file of page.items) {
      body.append(fileRow(file));
    }
    $('no-files').hidden = page.items.length > 0;
    $('more-files').hidden = page.next_page == null;
    return page.items;
  }

  /** Refreshes the list until the query side shows the new version of the file, done processing. */
  async function refreshUntilListed(fileId, version) {
    for (let attempt = 0; attempt < 60; attempt += 1) {
      try {
        const items = await refreshFiles();
        const file = items.find((f) => f.file_id === fileId);
        if (file && file.version >= version && file.upload_status !== 'processing') {
          return;
        }
      } catch (e) {
        announce(e.message, true);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 300 : 1000));
    }
  }

  function fileRow(file) {
    const tr = element('tr', { 'data-file-id': file.file_id, 'data-name': file.filename });
    tr.append(element('td', {}, file.filename), element('td', {}, formatBytes(file.size)),
      element('td', {}, String(file.version)), element('td', { class: 'upload-status' }, file.upload_status),
      element('td', {}, new Date(file.updated_at).toLocaleString()));
    const actions = element('td', { class: 'actions' });
    const download = element('button', { type: 'button', class: 'download', 'aria-label': `Download ${file.filename}` }, 'Download');
    const share = element('button', { type: 'button', class: 'share secondary', 'aria-label': `Share ${file.filename}` }, 'Share');
    const remove = element('button', { type: 'button', class: 'delete secondary', 'aria-label': `Delete ${file.filename}` }, 'Delete');
    download.disabled = file.downloadable_version == null;
    actions.append(download, share, remove);
    tr.append(actions);
    const id = encodeURIComponent(file.file_id);

    download.addEventListener('click', () => call('GET', `/v1/files/${id}/download`)
      .then((answer) => window.location.assign(answer.url))
      .catch((e) => announce(e.message, true)));
    share.addEventListener('click', () => call('POST', `/v1/files/${id}/shares`, { expires_in: 86400 })
      .then((answer) => {
        const old = actions.querySelector('.share-url');
        if (old) {
          old.remove();
        }
        const url = element('input', { class: 'share-url', readonly: '', value: answer.url,
          'aria-label': `Share link for ${file.filename}, valid for a day` });
        actions.append(url);
        url.select();
        announce(`Share link for ${file.filename} made, valid for a day.`);
      })
      .catch((e) => announce(e.message, true)));
    remove.addEventListener('click', () => {
      if (!window.confirm(`Delete ${file.filename} and all its versions?`)) {
        return;
      }
      call('DELETE', `/v1/files/${id}`)
        .then(() => {
          tr.remove();
          announce(`${file.filename} deleted.`);
        })
        .catch((e) => announce(e.message, true));
    });
    return tr;
  }

  // ---- signing in and out -----------------------------------------------------------------------------------

  function showSignedIn() {
    const signedIn = session.token !== null;
    $('sign-in').hidden = signedIn;
    $('upload').hidden = !signedIn;
    $('files-section').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
    $('who').textContent = signedIn ? `Signed in as ${session.user}` : '';
    if (signedIn) {
      showUnfinished();
      refreshFiles().catch((e) => announce(e.message, true));
    }
  }

  function signOut(message) {
    for (const row of rows.values()) {
      if (row.transport) {
        row.transport.pause();
      }
    }
    rows.clear();
    $('uploads').replaceChildren();
    $('file-list').replaceChildren();
    session.forget();
    showSignedIn();
    announce(message);
  }

  $('dev-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const userId = $('dev-user').value.trim();
    call('POST', '/v1/dev/tokens', { user_id: userId }, false)
      .then((answer) => {
        if (!session.use(answer.access_token, false)) {
          throw new Error('the token Depot issued cannot be read');
        }
        showSignedIn();
        announce(`Signed in as ${session.user}.`);
      })
      .catch((e) => announce(`No dev token: ${e.message}`, true));
  });

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (!session.use(token, $('remember').checked)) {
      announce('That is not a valid, unexpired JWT with a subject (sub).', true);
      return;
    }
    $('token').value = '';
    showSignedIn();
    announce(`Signed in as ${session.user}.`);
  });

  $('sign-out').addEventListener('click', () => signOut('Signed out.'));
  $('refresh').addEventListener('click', () => refreshFiles().catch((e) => announce(e.message, true)));

  const saved = localStorage.getItem(MODE_KEY);
  document.querySelectorAll('input[name=mode]').forEach((radio) => {
    radio.checked = saved ? radio.value === saved : radio.checked;
    radio.addEventListener('change', () => localStorage.setItem(MODE_KEY, radio.value));
  });

  const input = $('files');
  input.addEventListener('change', () => {
    addFiles(Array.from(input.files));
    input.value = '';
  });
  // A file dropped beside the drop zone would replace the page with the file.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  const drop = $('drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    addFiles(Array.from(event.dataTransfer.files));
  });

  session.load();
  showSignedIn();
})();
