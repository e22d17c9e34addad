// ChatSocket browser client: one connection, one room, protocol v1 (docs/PROTOCOL.md). It reconnects by itself and
// resumes the room after the newest message it shows; its own messages are pending until the server acks them.
// Everything that comes from the network is put on the page with textContent, never parsed as HTML.
// With a token (typed, or ?token= in the page's URL) it connects as access_token; the server names the user.
"use strict";

(() => {
  const HISTORY_PAGE = 50;
  // The page keeps a bounded log; older messages can always be paged back in from the server.
  const MAX_MESSAGES = 1000;
  const MAX_ERRORS = 5;
  // Own messages remembered by client_msg_id (for "mine" and delivery state); unacked ones are never forgotten.
  const MAX_OWN = 2000;
  const ROOM_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
  // Close codes after which the server (or the network) is worth trying again: going away, abnormal closure,
  // internal error, try again later (slow consumer). Other codes mean this page sent something the server refused.
  const RETRY_CODES = new Set([1001, 1006, 1011, 1013]);
  const RETRY_BASE_MS = 1000;
  const RETRY_CAP_MS = 10000;
  const SEARCH_PAGE = 20;
  // Messages shown on each side of a search result that was opened.
  const CONTEXT = 3;
  const SVG = "http://www.w3.org/2000/svg";
  // Closed for a policy reason: with a token, the token ran out.
  const POLICY_VIOLATION = 1008;

  const $ = (id) => document.getElementById(id);
  const ui = {
    joinForm: $("join-form"), name: $("name"), room: $("room"), token: $("token"),
    chat: $("chat"), log: $("log"), messages: $("messages"), outbox: $("outbox"), loadOlder: $("load-older"),
    composer: $("composer"), message: $("message"), send: $("send"),
    roomInfo: $("room-info"), roomName: $("room-name"), memberCount: $("member-count"), online: $("online"),
    status: $("status"), reconnect: $("reconnect"), leave: $("leave"), banner: $("banner"), errors: $("errors"),
    activity: $("activity"), activityCaption: $("activity-caption"),
    searchForm: $("search-form"), searchQ: $("search-q"), searchResults: $("search-results"),
    searchSummary: $("search-summary"), searchList: $("search-list"), searchMore: $("search-more"),
    searchClose: $("search-close"), searchContext: $("search-context"),
  };

  const state = {
    socket: null,
    // Set by the server's "joined"; until then a send would only earn not_in_room.
    joined: false,
    // The room was joined once since the form was sent: from then on a new connection resumes it.
    resumable: false,
    user: "",
    room: "",
    // Kept in memory only: never stored, never put back in the address bar.
    token: "",
    hasMore: false,
    loadingOlder: false,
    // What the server's next answers are, in order (it answers one connection's frames in order): "fresh" and
    // "resume" joins (joined + history), and "older" history pages.
    expected: [],
    // client_msg_id -> { content, id, status: "pending" | "sent" | "failed", socket, element } for what this page sent.
    own: new Map(),
    members: 0,
    // user name -> connections of it in the room, as far as joined and presence frames tell.
    online: new Map(),
    resyncing: false,
    attempt: 0,
    retryTimer: 0,
    countdownTimer: 0,
    // Whether the reader is at the newest message; if so, the view follows new messages and resizes.
    atBottom: true,
    // The search shown: its q, the terms to highlight, the last result's id (the next page's "before").
    search: null,
    // The result whose surroundings are shown: { id, hit, before, after } (before/after null until they arrive).
    context: null,
  };

  // ---- connection -------------------------------------------------------------------------------------------

  function connect() {
    cancelRetry();
    closeSocket();
    state.joined = false;
    state.expected = [];
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // Browsers cannot set headers on a WebSocket: the token goes in the query, as access_token.
    const query = state.token ? `access_token=${encodeURIComponent(state.token)}` : `user=${encodeURIComponent(state.user)}`;
    const url = `${scheme}//${location.host}/ws?${query}`;
    setStatus("connecting", "Connecting…");
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      setStatus("closed", "Cannot connect");
      showError("connect_failed", String(e && e.message ? e.message : e));
      return;
    }
    state.socket = socket;
    let opened = false;
    socket.addEventListener("open", () => {
      if (state.socket !== socket) return;
      opened = true;
      hideBanner();
      setStatus("open", "Connected");
      sendJoin();
    });
    socket.addEventListener("message", (event) => {
      if (state.socket !== socket) return;
      handleFrame(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (state.socket !== socket) return;
      state.socket = null;
      state.joined = false;
      if (!opened) {
        // The upgrade failed, and a browser does not say why: ask the server whether the token or the server is the
        // reason. A refused token is not retried: the same token would be refused again.
        explainRefusal().then((retry) => { if (retry && !state.socket && state.room) scheduleRetry(); });
        setStatus("connecting", "Connecting…");
      } else if (event.code === POLICY_VIOLATION && state.token) {
        failUnaccepted(socket, "the token expired before the server accepted it");
        setStatus("closed", `Disconnected (${event.code}${event.reason ? `: ${event.reason}` : ""})`);
        showBanner("unauthorized", "Your token expired. Leave, paste a new token and join again.");
      } else if (RETRY_CODES.has(event.code)) {
        scheduleRetry();
      } else {
        // The server refused something this connection sent (e.g. 1009, too big): sending it again would repeat it.
        failUnaccepted(socket, `the server closed the connection (${event.code}) before accepting it`);
        const reason = event.reason ? `: ${event.reason}` : "";
        setStatus("closed", `Disconnected (${event.code}${reason})`);
      }
    });
    // An error is always followed by close, which reports it.
  }

  function closeSocket() {
    const socket = state.socket;
    state.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "bye");
  }

  function isOpen() {
    return !!state.socket && state.socket.readyState === WebSocket.OPEN;
  }

  function sendFrame(frame) {
    if (!isOpen()) return false;
    state.socket.send(JSON.stringify(frame));
    return true;
  }

  // A first join asks for the newest page; a later one resumes after the newest message shown (no gap, no duplicate).
  function sendJoin() {
    const since = newestShownId();
    const resume = state.resumable && since !== null;
    const frame = resume
      ? { type: "join", room_id: state.room, since }
      : { type: "join", room_id: state.room, history: HISTORY_PAGE };
    if (sendFrame(frame)) state.expected.push(resume ? "resume" : "fresh");
  }

  // Capped exponential backoff with jitter: attempt n waits between half and all of min(cap, base * 2^n), so that
  // pages dropped together by a restart do not all come back in the same instant.
  function scheduleRetry() {
    cancelRetry();
    const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** state.attempt);
    state.attempt = Math.min(state.attempt + 1, 16);
    const due = Date.now() + ceiling * (0.5 + Math.random() * 0.5);
    const tick = () => {
      const seconds = Math.max(1, Math.ceil((due - Date.now()) / 1000));
      setStatus("reconnecting", `Reconnecting in ${seconds} s…`);
    };
    tick();
    state.countdownTimer = setInterval(tick, 250);
    state.retryTimer = setTimeout(connect, due - Date.now());
  }

  function cancelRetry() {
    clearTimeout(state.retryTimer);
    clearInterval(state.countdownTimer);
    state.retryTimer = 0;
    state.countdownTimer = 0;
  }

  // Why a connection or a join was refused: a token the server does not take (said with its reason, and false:
  // retrying cannot help), else whether the server is there and ready (true: worth retrying).
  async function explainRefusal() {
    const refusal = await tokenRefusal(state.token);
    if (refusal) {
      showBanner("unauthorized", `The server refused the token: ${refusal}`);
      setStatus("closed", "Token refused");
      return false;
    }
    let ready = null;
    try {
      const response = await fetch("/health/ready", { cache: "no-store" });
      ready = response.ok;
    } catch {
      // fetch rejects only when nothing answered: the server is down or the network is.
    }
    if (ready === null) {
      showBanner("unreachable", "Cannot reach the server; retrying…");
    } else if (ready) {
      showBanner("refused",
        "The server refused the connection (it may be full, or this page's origin is not allowed); retrying…");
    } else {
      showBanner("unready", "The server is not ready (it may be starting or stopping); retrying…");
    }
    return true;
  }

  // Asks /api/auth/check about a token (in a header, as a browser cannot read a refused upgrade's answer). Null when
  // it is accepted, or when the check itself cannot be made (then the connection attempt tells); else the reason.
  // Also learns the token's user name.
  async function tokenRefusal(token) {
    let response;
    try {
      const headers = token ? { Authorization: `Bearer ${token}` } : {};
      response = await fetch("/api/auth/check", { headers, cache: "no-store" });
    } catch {
      return null;
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (an older server without the endpoint): nothing to tell.
    }
    if (response.ok) {
      if (body && typeof body.user === "string") state.user = body.user;
      return null;
    }
    if (response.status !== 401) return null;
    const detail = body && typeof body.detail === "string" ? body.detail : "it is not valid";
    return token ? detail : `this server requires a token (${detail})`;
  }

  function showBanner(kind, text) {
    ui.banner.dataset.kind = kind;
    ui.banner.textContent = text;
    ui.banner.hidden = false;
  }

  function hideBanner() {
    ui.banner.hidden = true;
    ui.banner.textContent = "";
    delete ui.banner.dataset.kind;
  }

  function setStatus(kind, text) {
    ui.status.dataset.state = kind;
    ui.status.textContent = text;
    // While waiting to retry the button skips the wait.
    ui.reconnect.hidden = kind !== "closed" && kind !== "reconnecting";
    ui.reconnect.textContent = kind === "reconnecting" ? "Reconnect now" : "Reconnect";
    updateComposer();
    updateLoadOlder();
  }

  // Once the room was joined, writing goes on while the connection is down: messages wait as pending.
  function updateComposer() {
    const ready = state.resumable || (state.joined && isOpen());
    ui.message.disabled = !ready;
    ui.send.disabled = !ready;
  }

  // ---- own messages -----------------------------------------------------------------------------------------

  function sendOwn(clientMsgId) {
    const own = state.own.get(clientMsgId);
    if (!own || own.status !== "pending" || !state.joined) return;
    if (sendFrame({ type: "send", room_id: state.room, content: own.content, client_msg_id: clientMsgId })) {
      own.socket = state.socket;
    }
  }

  // After a (re)join: everything not yet acked goes again with its client_msg_id, which the server recognises.
  function resendUnacked() {
    for (const [clientMsgId, own] of state.own) {
      if (own.status === "pending" && own.socket !== state.socket) sendOwn(clientMsgId);
    }
  }

  function failUnaccepted(socket, reason) {
    for (const own of state.own.values()) {
      if (own.status === "pending" && own.socket === socket && own.id === null) markFailed(own, reason);
    }
  }

  function markFailed(own, reason) {
    own.status = "failed";
    own.reason = reason;
    showDelivery(own);
  }

  function markSent(own) {
    own.status = "sent";
    showDelivery(own);
  }

  function showDelivery(own) {
    if (!own.element) return;
    own.element.dataset.delivery = own.status;
    const label = own.element.querySelector(".delivery");
    if (!label) return;
    label.textContent = own.status === "pending" ? "sending…" : own.status === "sent" ? "sent" : `failed: ${own.reason}`;
  }

  function forgetOldOwn() {
    // Map keeps insertion order; settled ones can go, pending ones still wait for the server.
    for (const [clientMsgId, own] of state.own) {
      if (state.own.size <= MAX_OWN) break;
      if (own.status !== "pending") state.own.delete(clientMsgId);
    }
  }

  // ---- incoming frames --------------------------------------------------------------------------------------

  function handleFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      showError("bad_frame", "The server sent something that is not JSON.");
      return;
    }
    if (!frame || typeof frame !== "object") return;
    switch (frame.type) {
      case "joined":
        if (frame.room_id !== state.room) return;
        onJoined(frame);
        break;
      case "history":
        if (frame.room_id !== state.room) return;
        onHistory(frame);
        break;
      case "message":
        if (frame.room_id !== state.room) return;
        insertMessage(frame, true);
        break;
      case "ack":
        onAck(frame);
        break;
      case "presence":
        if (frame.room_id !== state.room) return;
        onPresence(frame);
        break;
      case "presence_batch":
        if (frame.room_id !== state.room) return;
        onPresenceBatch(frame);
        break;
      case "search_results":
        onSearchResults(frame);
        break;
      case "error":
        onError(frame);
        break;
      default:
        // pong, left and frames from later protocol versions need nothing on this page.
        break;
    }
  }

  function onJoined(frame) {
    const fresh = state.expected[0] === "fresh";
    if (fresh) {
      ui.messages.replaceChildren();
      delete ui.log.dataset.loaded;
      state.hasMore = false;
      state.loadingOlder = false;
    }
    const first = !state.joined;
    state.joined = true;
    state.resumable = true;
    state.attempt = 0;
    state.resyncing = false;
    setMembers(frame.members, frame.users);
    updateComposer();
    if (fresh) loadActivity(state.room);
    if (first) {
      // Not while the reader is elsewhere; after Reconnect was pressed the button is gone and focus with it.
      const active = document.activeElement;
      if (fresh || active === null || active === document.body || active === ui.reconnect) ui.message.focus();
      resendUnacked();
    }
  }

  function onHistory(frame) {
    const kind = state.expected.shift() ?? "fresh";
    const messages = Array.isArray(frame.messages) ? frame.messages : [];
    const more = frame.has_more === true;
    if (kind === "context") {
      if (state.context) {
        state.context.before = messages;
        renderContext();
      }
      return;
    }
    if (kind === "older") {
      const keep = keepScrollPosition();
      for (const m of messages) insertMessage(m, false);
      state.loadingOlder = false;
      state.hasMore = more;
      keep();
    } else {
      // Oldest first: each one lands before the message that follows it.
      for (const m of messages) insertMessage(m, kind === "resume");
      if (kind === "fresh") state.hasMore = more;
      ui.log.dataset.loaded = "";
      if (state.atBottom || kind === "fresh") scrollToBottom();
      // A resume's has_more means newer messages than this page: resume again from the newest one received.
      if (kind === "resume" && more) sendJoin();
    }
    updateLoadOlder();
  }

  function onAck(frame) {
    const own = typeof frame.client_msg_id === "string" ? state.own.get(frame.client_msg_id) : undefined;
    if (!own || own.status === "failed") return;
    if (typeof frame.id === "string") own.id = frame.id;
    markSent(own);
  }

  function onPresence(frame) {
    applyPresence(String(frame.user), frame.event);
    setMemberCount(frame.members);
  }

  // A burst's joins and leaves in one frame (docs/PROTOCOL.md, "Presence during a burst"): each is shown as its own
  // presence frame would be; the count is the one after the last of them.
  function onPresenceBatch(frame) {
    const events = Array.isArray(frame.events) ? frame.events : [];
    for (const e of events) {
      if (e && typeof e === "object") applyPresence(String(e.user), e.event);
    }
    setMemberCount(frame.members);
  }

  function setMemberCount(members) {
    state.members = Number.isInteger(members) ? members : state.members;
    renderMembers();
  }

  function applyPresence(name, event) {
    const count = state.online.get(name) ?? 0;
    if (event === "leave") {
      const known = [...state.online.values()].reduce((a, b) => a + b, 0);
      // The joined frame names each user once: a name may hold more connections than this page counted. Then a
      // leave does not tell whether the name is still online; joining again (resuming, so nothing is re-sent)
      // brings a fresh list.
      if (count <= 1 && known < state.members && !state.resyncing && isOpen()) {
        state.resyncing = true;
        sendJoin();
      }
      if (count <= 1) state.online.delete(name);
      else state.online.set(name, count - 1);
    } else {
      state.online.set(name, count + 1);
    }
    if (name !== state.user) appendNotice(`${name} ${event === "leave" ? "left" : "joined"}`);
  }

  function onError(frame) {
    const code = String(frame.code ?? "error");
    let text = String(frame.message ?? "");
    const ref = frame.ref == null ? "" : String(frame.ref);
    const own = ref ? state.own.get(ref) : undefined;
    if (own) {
      text += ` (message "${abbreviate(own.content)}" was not sent)`;
      if (own.status === "pending") markFailed(own, `${code}: ${String(frame.message ?? "")}`);
    } else if (ref) {
      text += ` (${ref})`;
    }
    if (ref === "search" && state.search) {
      state.search.loading = false;
      ui.searchSummary.textContent = "Search failed";
      updateSearchMore();
    }
    if (ref === "join" || ref === "history") {
      const kinds = ref === "join" ? ["fresh", "resume"] : ["older", "context"];
      const index = state.expected.findIndex((k) => kinds.includes(k));
      if (index >= 0) state.expected.splice(index, 1);
      if (ref === "history") state.loadingOlder = false;
      state.resyncing = false;
      updateLoadOlder();
    }
    showError(code, text);
  }

  // ---- rendering --------------------------------------------------------------------------------------------

  function insertMessage(m, live) {
    if (!m || typeof m.id !== "string") return;
    const own = typeof m.client_msg_id === "string" ? state.own.get(m.client_msg_id) : undefined;
    // A second copy of an own message already shown: a resend the server stored again under a new id (its memory
    // of client_msg_ids did not survive a restart). The ack that follows names the original.
    if (own && own.id !== null && own.id !== m.id && own.element && own.element.isConnected) return;
    if (ui.messages.querySelector(`li.message[data-id="${CSS.escape(m.id)}"]`)) return;
    const item = renderMessage(m, own);
    if (own) {
      // The server's copy replaces the pending one: shown once, at its place in the room's order.
      if (own.element) own.element.remove();
      own.id = m.id;
      own.element = item;
      showDelivery(own);
    }
    const follow = live && state.atBottom;
    // Ids are fixed-width hex ObjectIds: string order is id order, which is the room's order.
    let next = null;
    for (let el = ui.messages.lastElementChild; el; el = el.previousElementSibling) {
      if (!el.classList.contains("message")) continue;
      if (el.dataset.id > m.id) next = el;
      else break;
    }
    ui.messages.insertBefore(item, next);
    // Only live traffic trims: pages the reader asked for stay until newer messages push them out.
    if (live) trimLog();
    if (follow) scrollToBottom();
  }

  // An own message before the server has it: at the bottom, below the room's messages, until its copy arrives.
  function appendPending(own) {
    const item = renderMessage({ sender: state.user, content: own.content }, own);
    own.element = item;
    ui.outbox.append(item);
    showDelivery(own);
    scrollToBottom();
  }

  function renderMessage(m, own) {
    const li = document.createElement("li");
    li.className = "message";
    // Mine means sent from this page, not "has my name": two tabs may share one.
    if (own) li.classList.add("mine");
    if (typeof m.id === "string") li.dataset.id = m.id;

    const meta = document.createElement("div");
    meta.className = "meta";
    const sender = document.createElement("span");
    sender.className = "sender";
    sender.textContent = String(m.sender ?? "?");
    const time = document.createElement("time");
    time.className = "time";
    const when = new Date(m.timestamp);
    if (m.timestamp !== undefined && !Number.isNaN(when.getTime())) {
      time.dateTime = when.toISOString();
      const today = when.toDateString() === new Date().toDateString();
      time.textContent = today
        ? when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
        : when.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
      time.title = when.toLocaleString();
    }
    meta.append(sender, time);
    if (own) {
      const delivery = document.createElement("span");
      delivery.className = "delivery";
      meta.append(delivery);
    }

    const content = document.createElement("p");
    content.className = "content";
    appendWithLinks(content, String(m.content ?? ""));
    li.append(meta, content);
    return li;
  }

  // http(s) URLs become links; everything else stays text. Only text nodes and an href that parsed as http(s).
  function appendWithLinks(parent, text) {
    const url = /\bhttps?:\/\/[^\s<>"'`]+/gi;
    let at = 0;
    for (const match of text.matchAll(url)) {
      // Sentence punctuation after a URL is not part of it.
      const href = match[0].replace(/[.,;:!?)\]}]+$/, "");
      let parsed = null;
      try {
        parsed = new URL(href);
      } catch {
        // Not a URL after all: left as text.
      }
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) continue;
      parent.append(document.createTextNode(text.slice(at, match.index)));
      const a = document.createElement("a");
      a.href = parsed.href;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      a.textContent = href;
      parent.append(a);
      at = match.index + href.length;
    }
    parent.append(document.createTextNode(text.slice(at)));
  }

  function newestShownId() {
    for (let el = ui.messages.lastElementChild; el; el = el.previousElementSibling) {
      if (el.classList.contains("message") && el.dataset.id) return el.dataset.id;
    }
    return null;
  }

  function appendNotice(text) {
    const li = document.createElement("li");
    li.className = "notice";
    li.textContent = text;
    ui.messages.append(li);
    trimLog();
    if (state.atBottom) scrollToBottom();
  }

  function trimLog() {
    let extra = ui.messages.children.length - MAX_MESSAGES;
    if (extra <= 0) return;
    while (extra-- > 0 && ui.messages.firstElementChild) ui.messages.firstElementChild.remove();
    state.hasMore = true;
    updateLoadOlder();
  }

  // From a joined frame: the exact count, and (servers that send it) each user's name once.
  function setMembers(members, users) {
    if (Number.isInteger(members)) state.members = members;
    state.online = new Map(Array.isArray(users) ? users.map((u) => [String(u), 1]) : []);
    ui.online.dataset.known = Array.isArray(users) ? "true" : "false";
    renderMembers();
  }

  function renderMembers() {
    ui.memberCount.textContent = String(state.members);
    const names = [...state.online.keys()].sort((a, b) => a.localeCompare(b));
    const items = names.map((name) => {
      const li = document.createElement("li");
      li.textContent = name;
      if (name === state.user) li.className = "me";
      return li;
    });
    const known = [...state.online.values()].reduce((a, b) => a + b, 0);
    // The server lists at most 100 names; the count is exact.
    if (ui.online.dataset.known === "true" && known < state.members && names.length >= 100) {
      const more = document.createElement("li");
      more.className = "more";
      more.textContent = "and others";
      items.push(more);
    }
    ui.online.replaceChildren(...items);
    ui.online.hidden = items.length === 0;
  }

  function showError(code, text) {
    const li = document.createElement("li");
    li.className = "error";
    li.dataset.code = code;
    const label = document.createElement("strong");
    label.className = "code";
    label.textContent = code;
    const body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "dismiss";
    close.setAttribute("aria-label", "Dismiss error");
    close.textContent = "×";
    close.addEventListener("click", () => li.remove());
    li.append(label, body, close);
    ui.errors.append(li);
    while (ui.errors.children.length > MAX_ERRORS) ui.errors.firstElementChild.remove();
  }

  function updateLoadOlder() {
    ui.loadOlder.hidden = !state.hasMore;
    ui.loadOlder.disabled = !state.joined || !isOpen() || state.loadingOlder;
    ui.loadOlder.textContent = state.loadingOlder ? "Loading…" : "Load older messages";
  }

  function isNearBottom() {
    return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 40;
  }

  function scrollToBottom() {
    ui.log.scrollTop = ui.log.scrollHeight;
    state.atBottom = true;
  }

  // Returns a function that restores the view after content was added above it.
  function keepScrollPosition() {
    const fromBottom = ui.log.scrollHeight - ui.log.scrollTop;
    return () => { ui.log.scrollTop = ui.log.scrollHeight - fromBottom; };
  }

  function abbreviate(text) {
    const s = String(text ?? "");
    return s.length > 40 ? `${s.slice(0, 40)}…` : s;
  }

  // ---- search -----------------------------------------------------------------------------------------------

  // The words and phrases a result contains (not the excluded ones), folded as the server's text index folds them.
  function searchTerms(q) {
    const terms = [];
    for (const match of q.matchAll(/(^|\s)(-?)(?:"([^"]*)"?|([^\s"]+))/g)) {
      if (match[2] === "-") continue;
      const term = fold(match[3] ?? match[4] ?? "").trim().replace(/\s+/g, " ");
      if (/[\p{L}\p{N}]/u.test(term)) terms.push(term);
    }
    return terms;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  // Text with every occurrence of the terms in <mark>: text nodes and mark elements only, never HTML.
  function appendHighlighted(parent, text, terms) {
    // Folding may change lengths (é -> e + accent -> e): keep, for each folded character, its original index.
    let folded = "";
    const origin = [];
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i);
      const ch = String.fromCodePoint(cp);
      const f = fold(ch);
      for (let k = 0; k < f.length; k++) origin.push(i);
      folded += f;
      i += ch.length;
    }
    origin.push(text.length);
    const marked = new Array(text.length).fill(false);
    for (const term of terms) {
      for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + 1)) {
        for (let k = origin[at]; k < origin[at + term.length]; k++) marked[k] = true;
      }
    }
    let start = 0;
    for (let i = 1; i <= text.length; i++) {
      if (i < text.length && marked[i] === marked[start]) continue;
      const piece = text.slice(start, i);
      if (marked[start]) {
        const mark = document.createElement("mark");
        mark.textContent = piece;
        parent.append(mark);
      } else {
        parent.append(document.createTextNode(piece));
      }
      start = i;
    }
  }

  function startSearch(q) {
    const text = q.trim();
    if (!text || !state.room) return;
    state.search = { q: text, room: state.room, terms: searchTerms(text), last: null, hasMore: false, loading: false };
    state.context = null;
    ui.searchList.replaceChildren();
    ui.searchContext.replaceChildren();
    ui.searchContext.hidden = true;
    ui.searchResults.hidden = false;
    requestSearchPage();
  }

  function requestSearchPage() {
    const search = state.search;
    if (!search || search.loading) return;
    const frame = { type: "search", room_id: search.room, q: search.q, limit: SEARCH_PAGE };
    if (search.last) frame.before = search.last;
    if (!sendFrame(frame)) {
      ui.searchSummary.textContent = "Not connected; search again once connected";
      return;
    }
    search.loading = true;
    ui.searchSummary.textContent = "Searching…";
    updateSearchMore();
  }

  function onSearchResults(frame) {
    const search = state.search;
    // A late answer to a search that was replaced or closed.
    if (!search || frame.room_id !== search.room || frame.q !== search.q) return;
    const results = Array.isArray(frame.results) ? frame.results : [];
    for (const hit of results) {
      if (!hit || typeof hit.id !== "string") continue;
      ui.searchList.append(renderResult(hit, search.terms));
      search.last = hit.id;
    }
    search.loading = false;
    search.hasMore = frame.has_more === true;
    const count = ui.searchList.children.length;
    ui.searchSummary.textContent = count === 0
      ? `No messages contain “${search.q}”`
      : `${count}${search.hasMore ? "+" : ""} result${count === 1 ? "" : "s"} for “${search.q}”, best match first`;
    updateSearchMore();
  }

  // A result is the message as the log shows it (links aside), its content with the matches marked, in a button.
  function renderResult(hit, terms) {
    const message = renderMessage(hit, null);
    const content = message.querySelector(".content");
    content.replaceChildren();
    appendHighlighted(content, String(hit.content ?? ""), terms);
    const li = document.createElement("li");
    li.className = "result";
    li.dataset.id = hit.id;
    const button = document.createElement("button");
    button.type = "button";
    button.append(...message.childNodes);
    button.addEventListener("click", () => openContext(hit, li));
    li.append(button);
    return li;
  }

  function updateSearchMore() {
    const search = state.search;
    ui.searchMore.hidden = !search || !search.hasMore;
    ui.searchMore.disabled = !search || search.loading;
  }

  // A result's surroundings: older ones through the history frame (before = its id), newer ones over HTTP (after).
  function openContext(hit, item) {
    for (const el of ui.searchList.querySelectorAll('[aria-current="true"]')) el.removeAttribute("aria-current");
    item.setAttribute("aria-current", "true");
    const context = { id: hit.id, hit, before: null, after: null, room: state.room };
    state.context = context;
    ui.searchContext.replaceChildren();
    ui.searchContext.hidden = false;
    renderContext();
    if (sendFrame({ type: "history", room_id: state.room, before: hit.id, limit: CONTEXT })) {
      state.expected.push("context");
    } else {
      context.before = [];
    }
    const url = `/api/rooms/${encodeURIComponent(context.room)}/messages?after=${encodeURIComponent(hit.id)}&limit=${CONTEXT}`;
    fetch(url, { headers: authHeaders(), cache: "no-store" })
      .then((response) => (response.ok ? response.json() : { messages: [] }))
      .catch(() => ({ messages: [] }))
      .then((page) => {
        if (state.context !== context) return;
        context.after = Array.isArray(page.messages) ? page.messages : [];
        renderContext();
      });
  }

  function renderContext() {
    const context = state.context;
    if (!context) return;
    const items = [];
    for (const m of context.before ?? []) items.push(renderMessage(m, null));
    const hit = renderMessage(context.hit, null);
    hit.classList.add("hit");
    items.push(hit);
    for (const m of context.after ?? []) items.push(renderMessage(m, null));
    ui.searchContext.dataset.complete = String(context.before !== null && context.after !== null);
    ui.searchContext.replaceChildren(...items);
  }

  function closeSearch() {
    state.search = null;
    state.context = null;
    ui.searchResults.hidden = true;
    ui.searchList.replaceChildren();
    ui.searchContext.replaceChildren();
    ui.searchSummary.textContent = "";
  }

  // With a token, REST reads need it as the WebSocket has it (as a header: it stays out of URLs and logs).
  function authHeaders() {
    return state.token ? { Authorization: `Bearer ${state.token}` } : {};
  }

  // ---- activity chart ---------------------------------------------------------------------------------------

  // Messages per hour of the last day, as bars in an inline SVG made with DOM calls.
  async function loadActivity(room) {
    let stats;
    try {
      const response = await fetch(`/api/rooms/${encodeURIComponent(room)}/stats?bucket=hour`,
        { headers: authHeaders(), cache: "no-store" });
      // 503: no database (persistence off, or an outage): no chart rather than a chart of zeros.
      if (!response.ok) return;
      stats = await response.json();
    } catch {
      return;
    }
    if (state.room !== room || !Array.isArray(stats.buckets)) return;
    drawActivity(stats.buckets, Number(stats.messages) || 0);
  }

  function drawActivity(buckets, total) {
    const barWidth = 6;
    const gap = 1;
    const height = 32;
    const peak = Math.max(1, ...buckets.map((b) => Number(b.messages) || 0));
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", String(buckets.length * (barWidth + gap)));
    svg.setAttribute("height", String(height));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `${total} messages in the last 24 hours, by hour`);
    buckets.forEach((bucket, i) => {
      const count = Number(bucket.messages) || 0;
      const barHeight = count === 0 ? 1 : Math.max(2, Math.round((count / peak) * height));
      const rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", String(i * (barWidth + gap)));
      rect.setAttribute("y", String(height - barHeight));
      rect.setAttribute("width", String(barWidth));
      rect.setAttribute("height", String(barHeight));
      rect.dataset.count = String(count);
      const title = document.createElementNS(SVG, "title");
      const start = new Date(bucket.start);
      const label = Number.isNaN(start.getTime()) ? "" : start.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      title.textContent = `${label}: ${count} message${count === 1 ? "" : "s"}`;
      rect.append(title);
      svg.append(rect);
    });
    for (const old of ui.activity.querySelectorAll("svg")) old.remove();
    ui.activity.append(svg);
    ui.activityCaption.textContent = `${total} message${total === 1 ? "" : "s"} in the last 24 h`;
    ui.activity.hidden = false;
  }

  // ---- user actions -----------------------------------------------------------------------------------------

  ui.joinForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const user = ui.name.value.trim();
    const room = ui.room.value.trim();
    const token = ui.token.value.trim();
    if (!user && !token) { ui.name.focus(); return; }
    if (!ROOM_PATTERN.test(room)) { ui.room.focus(); return; }
    state.user = user;
    state.token = token;
    if (token) {
      // A token the server refuses keeps the form up, saying why; an accepted one names the user.
      const refusal = await tokenRefusal(token);
      if (refusal) {
        showBanner("unauthorized", `The server refused the token: ${refusal}`);
        ui.token.focus();
        return;
      }
    }
    state.room = room;
    remember(user || state.user, room);
    ui.joinForm.hidden = true;
    ui.chat.hidden = false;
    ui.roomInfo.hidden = false;
    ui.leave.hidden = false;
    ui.roomName.textContent = `#${room}`;
    resetRoom();
    document.title = `#${room} · ChatSocket`;
    connect();
  });

  // A room entered from the form starts empty: no log, no own messages, nothing to resume.
  function resetRoom() {
    state.resumable = false;
    state.attempt = 0;
    state.own.clear();
    state.hasMore = false;
    state.loadingOlder = false;
    ui.messages.replaceChildren();
    ui.outbox.replaceChildren();
    delete ui.log.dataset.loaded;
    setMembers(0, null);
    hideBanner();
    closeSearch();
    ui.searchQ.value = "";
    ui.activity.hidden = true;
  }

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const content = ui.message.value;
    if (!content.trim()) return;
    const clientMsgId = newClientMsgId();
    const own = { content, id: null, status: "pending", reason: "", socket: null, element: null };
    state.own.set(clientMsgId, own);
    forgetOldOwn();
    appendPending(own);
    // Not connected: it waits as pending and goes out after the next join.
    sendOwn(clientMsgId);
    ui.message.value = "";
  });

  function newClientMsgId() {
    if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // randomUUID needs a secure context (https or localhost); getRandomValues does not.
    return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  ui.loadOlder.addEventListener("click", () => {
    const oldest = ui.messages.querySelector("li.message");
    if (!oldest || state.loadingOlder) return;
    if (sendFrame({ type: "history", room_id: state.room, before: oldest.dataset.id, limit: HISTORY_PAGE })) {
      state.expected.push("older");
      state.loadingOlder = true;
      updateLoadOlder();
    }
  });

  ui.reconnect.addEventListener("click", () => connect());

  ui.searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    startSearch(ui.searchQ.value);
  });
  ui.searchMore.addEventListener("click", () => requestSearchPage());
  ui.searchClose.addEventListener("click", () => closeSearch());

  // The network is back: no reason to wait out the backoff.
  window.addEventListener("online", () => { if (state.retryTimer) connect(); });

  ui.leave.addEventListener("click", () => {
    if (state.joined) sendFrame({ type: "leave", room_id: state.room });
    cancelRetry();
    closeSocket();
    state.joined = false;
    state.room = "";
    resetRoom();
    setStatus("idle", "Not connected");
    ui.chat.hidden = true;
    ui.roomInfo.hidden = true;
    ui.leave.hidden = true;
    ui.joinForm.hidden = false;
    document.title = "ChatSocket";
    ui.name.focus();
  });

  ui.log.addEventListener("scroll", () => { state.atBottom = isNearBottom(); }, { passive: true });
  // An error banner or the on-screen keyboard shrinks the log: keep the newest message in view.
  new ResizeObserver(() => { if (state.atBottom) scrollToBottom(); }).observe(ui.log);

  ui.errors.addEventListener("keydown", (event) => {
    if (event.key === "Escape") ui.errors.replaceChildren();
  });

  function remember(user, room) {
    try {
      localStorage.setItem("chatsocket.user", user);
      localStorage.setItem("chatsocket.room", room);
    } catch {
      // Storage may be disabled (private mode); remembering is only a convenience.
    }
  }

  function restore() {
    // A token in the page's address (?token=...) fills the field and leaves the address bar, history and bookmarks.
    const params = new URLSearchParams(location.search);
    if (params.has("token")) {
      ui.token.value = params.get("token") ?? "";
      params.delete("token");
      const rest = params.toString();
      history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}${location.hash}`);
    }
    try {
      ui.name.value = localStorage.getItem("chatsocket.user") ?? "";
      ui.room.value = localStorage.getItem("chatsocket.room") ?? ui.room.value;
    } catch {
      // As above.
    }
    (ui.name.value ? ui.room : ui.name).focus();
  }

  restore();
})();
