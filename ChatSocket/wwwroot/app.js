// ChatSocket browser client: one connection, one room, protocol v1 (docs/PROTOCOL.md).
// Everything that comes from the network is put on the page with textContent, never parsed as HTML.
"use strict";

(() => {
  const HISTORY_PAGE = 50;
  // The page keeps a bounded log; older messages can always be paged back in from the server.
  const MAX_MESSAGES = 1000;
  const MAX_ERRORS = 5;
  const MAX_PENDING = 200;
  const ROOM_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

  const $ = (id) => document.getElementById(id);
  const ui = {
    joinForm: $("join-form"), name: $("name"), room: $("room"),
    chat: $("chat"), log: $("log"), messages: $("messages"), loadOlder: $("load-older"),
    composer: $("composer"), message: $("message"), send: $("send"),
    roomInfo: $("room-info"), roomName: $("room-name"), memberCount: $("member-count"),
    status: $("status"), reconnect: $("reconnect"), leave: $("leave"), errors: $("errors"),
  };

  const state = {
    socket: null,
    // Set by the server's "joined"; until then a send would only earn not_in_room.
    joined: false,
    user: "",
    room: "",
    hasMore: false,
    loadingOlder: false,
    nextClientId: 1,
    // client_msg_id -> content, so that an error about a send can say which message it was.
    pending: new Map(),
    // Whether the reader is at the newest message; if so, the view follows new messages and resizes.
    atBottom: true,
  };

  // ---- connection -------------------------------------------------------------------------------------------

  function connect() {
    closeSocket();
    state.joined = false;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}/ws?user=${encodeURIComponent(state.user)}`;
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
    socket.addEventListener("open", () => {
      if (state.socket !== socket) return;
      setStatus("open", "Connected");
      sendFrame({ type: "join", room_id: state.room, history: HISTORY_PAGE });
    });
    socket.addEventListener("message", (event) => {
      if (state.socket !== socket) return;
      handleFrame(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (state.socket !== socket) return;
      state.socket = null;
      state.joined = false;
      const reason = event.reason ? `: ${event.reason}` : "";
      setStatus("closed", `Disconnected (${event.code}${reason})`);
    });
    // An error is always followed by close, which reports it.
  }

  function closeSocket() {
    const socket = state.socket;
    state.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "bye");
  }

  function sendFrame(frame) {
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) {
      showError("not_connected", "Not connected: press Reconnect.");
      return false;
    }
    state.socket.send(JSON.stringify(frame));
    return true;
  }

  function setStatus(kind, text) {
    ui.status.dataset.state = kind;
    ui.status.textContent = text;
    ui.reconnect.hidden = kind !== "closed";
    updateComposer();
    updateLoadOlder();
  }

  function updateComposer() {
    const ready = state.joined && !!state.socket && state.socket.readyState === WebSocket.OPEN;
    ui.message.disabled = !ready;
    ui.send.disabled = !ready;
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
        // A (re)join brings a fresh history page, so start from an empty log.
        ui.messages.replaceChildren();
        state.hasMore = false;
        state.loadingOlder = false;
        state.joined = true;
        setMembers(frame.members);
        updateComposer();
        ui.message.focus();
        break;
      case "history":
        if (frame.room_id !== state.room) return;
        onHistory(frame);
        break;
      case "message":
        if (frame.room_id !== state.room) return;
        if (typeof frame.client_msg_id === "string") state.pending.delete(frame.client_msg_id);
        insertMessage(frame, true);
        break;
      case "presence":
        if (frame.room_id !== state.room) return;
        setMembers(frame.members);
        if (frame.user !== state.user) {
          appendNotice(`${String(frame.user)} ${frame.event === "leave" ? "left" : "joined"}`);
        }
        break;
      case "error":
        onError(frame);
        break;
      default:
        // pong, left and frames from later protocol versions need nothing on this page.
        break;
    }
  }

  function onHistory(frame) {
    const messages = Array.isArray(frame.messages) ? frame.messages : [];
    const keep = keepScrollPosition();
    // Oldest first: each one lands before the message that follows it.
    for (const m of messages) insertMessage(m, false);
    state.hasMore = frame.has_more === true;
    if (state.loadingOlder) {
      state.loadingOlder = false;
      keep();
    } else {
      scrollToBottom();
    }
    updateLoadOlder();
  }

  function onError(frame) {
    const code = String(frame.code ?? "error");
    let text = String(frame.message ?? "");
    const ref = frame.ref == null ? "" : String(frame.ref);
    if (ref && state.pending.has(ref)) {
      text += ` (message "${abbreviate(state.pending.get(ref))}" was not sent)`;
      state.pending.delete(ref);
    } else if (ref) {
      text += ` (${ref})`;
    }
    if (state.loadingOlder && ref === "history") {
      state.loadingOlder = false;
      updateLoadOlder();
    }
    showError(code, text);
  }

  // ---- rendering --------------------------------------------------------------------------------------------

  function insertMessage(m, live) {
    if (!m || typeof m.id !== "string") return;
    if (ui.messages.querySelector(`li.message[data-id="${CSS.escape(m.id)}"]`)) return;
    const item = renderMessage(m);
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

  function renderMessage(m) {
    const li = document.createElement("li");
    li.className = "message";
    if (m.sender === state.user) li.classList.add("mine");
    li.dataset.id = m.id;

    const meta = document.createElement("div");
    meta.className = "meta";
    const sender = document.createElement("span");
    sender.className = "sender";
    sender.textContent = String(m.sender ?? "?");
    const time = document.createElement("time");
    time.className = "time";
    const when = new Date(m.timestamp);
    if (!Number.isNaN(when.getTime())) {
      time.dateTime = when.toISOString();
      const today = when.toDateString() === new Date().toDateString();
      time.textContent = today
        ? when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
        : when.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
      time.title = when.toLocaleString();
    }
    meta.append(sender, time);

    const content = document.createElement("p");
    content.className = "content";
    content.textContent = String(m.content ?? "");
    li.append(meta, content);
    return li;
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

  function setMembers(n) {
    if (Number.isInteger(n)) ui.memberCount.textContent = String(n);
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
    const connected = !!state.socket && state.socket.readyState === WebSocket.OPEN;
    ui.loadOlder.hidden = !state.hasMore;
    ui.loadOlder.disabled = !connected || state.loadingOlder;
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

  // ---- user actions -----------------------------------------------------------------------------------------

  ui.joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const user = ui.name.value.trim();
    const room = ui.room.value.trim();
    if (!user) { ui.name.focus(); return; }
    if (!ROOM_PATTERN.test(room)) { ui.room.focus(); return; }
    state.user = user;
    state.room = room;
    remember(user, room);
    ui.joinForm.hidden = true;
    ui.chat.hidden = false;
    ui.roomInfo.hidden = false;
    ui.leave.hidden = false;
    ui.roomName.textContent = `#${room}`;
    ui.memberCount.textContent = "0";
    ui.messages.replaceChildren();
    document.title = `#${room} · ChatSocket`;
    connect();
  });

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const content = ui.message.value;
    if (!content.trim()) return;
    const id = `c${state.nextClientId++}-${Math.random().toString(36).slice(2, 8)}`;
    if (!sendFrame({ type: "send", room_id: state.room, content, client_msg_id: id })) return;
    state.pending.set(id, content);
    // Map keeps insertion order: forget the oldest when the server never answered about it.
    while (state.pending.size > MAX_PENDING) state.pending.delete(state.pending.keys().next().value);
    ui.message.value = "";
  });

  ui.loadOlder.addEventListener("click", () => {
    const oldest = ui.messages.querySelector("li.message");
    if (!oldest || state.loadingOlder) return;
    if (sendFrame({ type: "history", room_id: state.room, before: oldest.dataset.id, limit: HISTORY_PAGE })) {
      state.loadingOlder = true;
      updateLoadOlder();
    }
  });

  ui.reconnect.addEventListener("click", () => connect());

  ui.leave.addEventListener("click", () => {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      sendFrame({ type: "leave", room_id: state.room });
    }
    closeSocket();
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
