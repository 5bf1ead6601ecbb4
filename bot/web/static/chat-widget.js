/*
 * Chat widget for a Rasa assistant over Rasa's socket.io channel.
 *
 * Embed: load socket.io-client, then this file. Settings come from
 * window.MASSAGE_CHAT_CONFIG (our /config.js) and may be overridden by data
 * attributes on the element marked data-chat-widget:
 *   data-socket-url="https://rasa.example.com"  data-title="Ask us"
 *
 * Protocol (Rasa 3.6 socketio channel with session_persistence: true):
 *   emit session_request {session_id}  ->  on session_confirm (the session id)
 *   emit user_uttered {message, session_id}  ->  on bot_uttered {text, quick_replies?, attachment?}
 *   emit feedback {session_id, text, vote: 'up'|'down'}  (thumbs under an answer; no reply)
 *
 * The session id lives in localStorage so the conversation continues after a
 * reload; the transcript is kept there too and drawn again on load.
 * With config.tokenUrl set (the channel requires signed tokens), every connection
 * attempt first fetches a fresh token from that URL and sends it as auth {token}.
 * Bot text is only ever inserted with textContent (links are built as elements).
 */
(function () {
  'use strict';

  var DEFAULTS = {
    socketUrl: 'http://127.0.0.1:5005',
    socketPath: '/socket.io',
    transports: ['websocket'], // no cross-origin polling, so no CORS set-up needed
    title: 'Ask us',
    phone: '',
    storagePrefix: 'massage-chat',
    tokenUrl: '',
    replyTimeoutMs: 25000,
    maxStoredMessages: 80,
    welcome: null
  };

  function readConfig(host) {
    var config = {};
    var key;
    for (key in DEFAULTS) { config[key] = DEFAULTS[key]; }
    var fromPage = window.MASSAGE_CHAT_CONFIG || {};
    for (key in fromPage) { config[key] = fromPage[key]; }
    if (host.dataset.socketUrl) { config.socketUrl = host.dataset.socketUrl; }
    if (host.dataset.socketPath) { config.socketPath = host.dataset.socketPath; }
    if (host.dataset.title) { config.title = host.dataset.title; }
    return config;
  }

  // -- storage that never throws (private mode, storage full, disabled) --------
  function storageGet(store, key) {
    try { return window[store].getItem(key); } catch (e) { return null; }
  }
  function storageSet(store, key, value) {
    try { window[store].setItem(key, value); } catch (e) { /* keep working without it */ }
  }
  function storageRemove(store, key) {
    try { window[store].removeItem(key); } catch (e) { /* nothing to do */ }
  }

  function newSessionId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, '');
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // Text with clickable http(s) links, built from text nodes and <a> elements only.
  var URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
  function appendRichText(parent, text) {
    var last = 0;
    var match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var url = match[0].replace(/[.,!?;:)\]]+$/, '');
      var end = match.index + url.length;
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el('a', null, url);
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      parent.appendChild(link);
      last = end;
      URL_PATTERN.lastIndex = end;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function isHttpUrl(value) {
    try {
      var parsed = new URL(String(value), window.location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:';
    } catch (e) {
      return false;
    }
  }

  function cleanQuickReplies(list) {
    if (!Array.isArray(list)) { return []; }
    return list.filter(function (item) {
      return item && (typeof item.title === 'string' || typeof item.payload === 'string');
    }).map(function (item) {
      var title = String(item.title || item.payload);
      return { title: title, payload: String(item.payload || title) };
    });
  }

  function ChatWidget(host, config) {
    this.host = host;
    this.config = config;
    this.keys = {
      session: config.storagePrefix + ':session',
      transcript: config.storagePrefix + ':transcript',
      open: config.storagePrefix + ':open'
    };
    this.sessionId = storageGet('localStorage', this.keys.session) || newSessionId();
    storageSet('localStorage', this.keys.session, this.sessionId);
    this.transcript = this.loadTranscript();
    this.socket = null;
    this.ready = false;
    this.outbox = [];
    this.replyTimer = null;
    this.build();
    this.renderTranscript();
    if (storageGet('sessionStorage', this.keys.open) === '1') {
      this.open(false);
    }
  }

  ChatWidget.prototype.loadTranscript = function () {
    try {
      var saved = JSON.parse(storageGet('localStorage', this.keys.transcript) || '[]');
      return Array.isArray(saved) ? saved.filter(function (m) { return m && typeof m === 'object'; }) : [];
    } catch (e) {
      return [];
    }
  };

  ChatWidget.prototype.saveTranscript = function () {
    var max = this.config.maxStoredMessages;
    if (this.transcript.length > max) {
      this.transcript = this.transcript.slice(this.transcript.length - max);
    }
    storageSet('localStorage', this.keys.transcript, JSON.stringify(this.transcript));
  };

  ChatWidget.prototype.build = function () {
    var self = this;
    var root = el('div', 'mcw');

    this.launcher = el('button', 'mcw-launcher', 'Chat with us');
    this.launcher.type = 'button';
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-controls', 'mcw-panel');

    this.panel = el('section', 'mcw-panel');
    this.panel.id = 'mcw-panel';
    this.panel.hidden = true;
    this.panel.setAttribute('aria-labelledby', 'mcw-title');

    var header = el('div', 'mcw-header');
    var title = el('h2', 'mcw-title', this.config.title);
    title.id = 'mcw-title';
    this.restartButton = el('button', 'mcw-restart', 'Start over');
    this.restartButton.type = 'button';
    this.closeButton = el('button', 'mcw-close', 'Close');
    this.closeButton.type = 'button';
    this.closeButton.setAttribute('aria-label', 'Close chat');
    header.appendChild(title);
    header.appendChild(this.restartButton);
    header.appendChild(this.closeButton);

    this.status = el('p', 'mcw-status');
    this.status.setAttribute('role', 'status');

    this.log = el('ol', 'mcw-log');
    this.log.setAttribute('aria-label', 'Conversation');
    this.log.tabIndex = 0; // scrollable by keyboard

    this.typing = el('div', 'mcw-typing');
    this.typing.hidden = true;
    this.typing.appendChild(el('span', 'mcw-dot'));
    this.typing.appendChild(el('span', 'mcw-dot'));
    this.typing.appendChild(el('span', 'mcw-dot'));
    this.typing.appendChild(el('span', 'mcw-sr', 'The assistant is typing'));

    // Only new bot messages are announced to screen readers, once each.
    this.live = el('div', 'mcw-sr mcw-live');
    this.live.setAttribute('aria-live', 'polite');
    this.live.setAttribute('aria-atomic', 'false');

    this.form = el('form', 'mcw-form');
    var label = el('label', 'mcw-sr', 'Type your question');
    label.htmlFor = 'mcw-input';
    this.input = el('input', 'mcw-input');
    this.input.id = 'mcw-input';
    this.input.type = 'text';
    this.input.autocomplete = 'off';
    this.input.maxLength = 500;
    this.input.placeholder = 'Type your question...';
    var send = el('button', 'mcw-send', 'Send');
    send.type = 'submit';
    this.form.appendChild(label);
    this.form.appendChild(this.input);
    this.form.appendChild(send);

    this.panel.appendChild(header);
    this.panel.appendChild(this.status);
    this.panel.appendChild(this.log);
    this.panel.appendChild(this.typing);
    this.panel.appendChild(this.live);
    this.panel.appendChild(this.form);
    root.appendChild(this.launcher);
    root.appendChild(this.panel);
    this.host.appendChild(root);

    this.launcher.addEventListener('click', function () { self.open(true); });
    this.closeButton.addEventListener('click', function () { self.close(); });
    this.restartButton.addEventListener('click', function () { self.restart(); });
    this.panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { self.close(); }
    });
    this.form.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      if (!text) { return; }
      self.input.value = '';
      self.sendUserMessage(text, text);
    });
  };

  ChatWidget.prototype.open = function (moveFocus) {
    this.panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    storageSet('sessionStorage', this.keys.open, '1');
    if (this.transcript.length === 0) { this.addWelcome(); }
    this.connect();
    this.scrollToEnd();
    if (moveFocus) { this.input.focus(); }
  };

  ChatWidget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    storageSet('sessionStorage', this.keys.open, '0');
    this.launcher.focus();
  };

  ChatWidget.prototype.restart = function () {
    this.transcript = [];
    storageRemove('localStorage', this.keys.transcript);
    this.sessionId = newSessionId();
    storageSet('localStorage', this.keys.session, this.sessionId);
    while (this.log.firstChild) { this.log.removeChild(this.log.firstChild); }
    this.stopTyping();
    this.addWelcome();
    if (this.socket) {
      this.ready = false;
      this.socket.emit('session_request', { session_id: this.sessionId });
    }
    this.input.focus();
  };

  ChatWidget.prototype.addWelcome = function () {
    var welcome = this.config.welcome;
    if (!welcome || !welcome.text) { return; }
    this.addMessage({
      from: 'bot',
      text: String(welcome.text),
      quickReplies: cleanQuickReplies(welcome.quickReplies)
    }, false);
  };

  // -- the socket ------------------------------------------------------------
  ChatWidget.prototype.connect = function () {
    if (this.socket) { return; }
    if (typeof window.io !== 'function') {
      this.setStatus('The chat could not load. ' + this.callUs());
      return;
    }
    var self = this;
    this.setStatus('Connecting...');
    var options = {
      path: this.config.socketPath,
      transports: this.config.transports,
      reconnectionDelayMax: 10000
    };
    if (this.config.tokenUrl) { options.auth = tokenFetcher(this.config.tokenUrl); }
    this.socket = window.io(this.config.socketUrl, options);
    this.socket.on('connect', function () {
      self.ready = false;
      self.socket.emit('session_request', { session_id: self.sessionId });
    });
    this.socket.on('session_confirm', function (confirmed) {
      var id = typeof confirmed === 'string' ? confirmed : (confirmed && confirmed.session_id);
      if (id && id !== self.sessionId) {
        self.sessionId = String(id);
        storageSet('localStorage', self.keys.session, self.sessionId);
      }
      self.ready = true;
      self.setStatus('');
      self.flushOutbox();
    });
    this.socket.on('bot_uttered', function (message) { self.receive(message); });
    this.socket.on('disconnect', function () {
      self.ready = false;
      self.setStatus('Connection lost. Reconnecting...');
    });
    this.socket.on('connect_error', function () {
      self.ready = false;
      self.setStatus("Can't reach the assistant right now. Trying again... " + self.callUs());
      // A refusal by the server (say, a token that could not be fetched) stops
      // socket.io's own retries; try again later, with a fresh token.
      if (!self.socket.active) {
        clearTimeout(self.retryTimer);
        self.retryTimer = setTimeout(function () { self.socket.connect(); }, 5000);
      }
    });
  };

  // socket.io calls this before each connection attempt, so a reconnect gets a fresh token.
  function tokenFetcher(url) {
    return function (callback) {
      window.fetch(url, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (body) { callback({ token: body && typeof body.token === 'string' ? body.token : '' }); })
        .catch(function () { callback({ token: '' }); });
    };
  }

  ChatWidget.prototype.callUs = function () {
    return this.config.phone ? 'You can also call us at ' + this.config.phone + '.' : '';
  };

  ChatWidget.prototype.setStatus = function (text) {
    this.status.textContent = text;
  };

  ChatWidget.prototype.flushOutbox = function () {
    while (this.ready && this.outbox.length) {
      this.socket.emit('user_uttered', { message: this.outbox.shift(), session_id: this.sessionId });
    }
  };

  ChatWidget.prototype.sendUserMessage = function (payload, shownText) {
    this.addMessage({ from: 'user', text: shownText }, false);
    // Queued until the session is confirmed, so the reply reaches this session's room.
    this.outbox.push(payload);
    this.connect();
    this.flushOutbox();
    this.startTyping();
  };

  ChatWidget.prototype.receive = function (message) {
    if (!message || typeof message !== 'object') { return; }
    this.stopTyping();
    var entry = { from: 'bot', text: '', quickReplies: [], answer: true };
    if (typeof message.text === 'string') { entry.text = message.text; }
    entry.quickReplies = cleanQuickReplies(message.quick_replies || message.buttons);
    var attachment = message.attachment;
    if (attachment && attachment.type === 'image' && attachment.payload && isHttpUrl(attachment.payload.src)) {
      entry.image = String(attachment.payload.src);
    }
    if (!entry.text && !entry.image && entry.quickReplies.length === 0) { return; }
    this.addMessage(entry, true);
  };

  // -- typing indicator ----------------------------------------------------------
  ChatWidget.prototype.startTyping = function () {
    var self = this;
    this.typing.hidden = false;
    this.scrollToEnd();
    clearTimeout(this.replyTimer);
    this.replyTimer = setTimeout(function () {
      self.typing.hidden = true;
      self.renderNote('Sorry, this is taking longer than usual. Please try again. ' + self.callUs());
    }, this.config.replyTimeoutMs);
  };

  ChatWidget.prototype.stopTyping = function () {
    clearTimeout(this.replyTimer);
    this.typing.hidden = true;
  };

  // -- transcript ------------------------------------------------------------
  ChatWidget.prototype.addMessage = function (entry, announce) {
    entry.at = Date.now();
    this.transcript.push(entry);
    this.saveTranscript();
    this.renderMessage(entry);
    if (announce && entry.from === 'bot') { this.announce(entry.text); }
    this.scrollToEnd();
  };

  ChatWidget.prototype.renderTranscript = function () {
    for (var i = 0; i < this.transcript.length; i++) { this.renderMessage(this.transcript[i]); }
  };

  ChatWidget.prototype.renderMessage = function (entry) {
    var self = this;
    var from = entry.from === 'user' ? 'user' : 'bot';
    var item = el('li', 'mcw-msg mcw-msg-' + from);
    item.appendChild(el('span', 'mcw-sr', from === 'user' ? 'You said:' : 'Assistant:'));
    if (entry.text) {
      var bubble = el('p', 'mcw-bubble');
      appendRichText(bubble, String(entry.text));
      item.appendChild(bubble);
    }
    if (entry.image && isHttpUrl(entry.image)) {
      var image = el('img', 'mcw-image');
      image.src = entry.image;
      image.alt = 'Picture from the assistant';
      item.appendChild(image);
    }
    // A message that asks the client something (a form question, "did you mean", a greeting)
    // is not an answer to rate; the assistant's answers ask nothing.
    if (entry.answer && entry.text && entry.text.indexOf('?') === -1) { item.appendChild(this.feedbackButtons(entry)); }
    var replies = Array.isArray(entry.quickReplies) ? entry.quickReplies : [];
    if (replies.length) {
      var group = el('div', 'mcw-replies');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', 'Suggested replies');
      replies.forEach(function (reply) {
        var button = el('button', 'mcw-reply', reply.title);
        button.type = 'button';
        if (entry.chosen !== undefined) {
          button.disabled = true;
          button.setAttribute('aria-pressed', String(entry.chosen === reply.payload));
        }
        button.addEventListener('click', function () {
          if (entry.chosen !== undefined) { return; }
          entry.chosen = reply.payload;
          self.saveTranscript();
          Array.prototype.forEach.call(group.children, function (other) {
            other.disabled = true;
            other.setAttribute('aria-pressed', String(other === button));
          });
          self.sendUserMessage(reply.payload, reply.title);
          self.input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    this.log.appendChild(item);
  };

  // A thumb drawn as SVG: no emoji font needed.
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function thumbIcon(down) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', 'M1.5 7h3v7.5h-3z M5.5 7l3-5.5c1.2 0 2.1 1 1.8 2.3L9.8 7h3.6c.9 0 1.6.8 1.4 1.7l-1.2 5c-.2.6-.7.8-1.3.8H5.5z');
    path.setAttribute('fill', 'currentColor');
    if (down) { path.setAttribute('transform', 'rotate(180 8 8)'); }
    svg.appendChild(path);
    return svg;
  }

  // Thumbs up or down under an answer: one vote each, which can be changed.
  ChatWidget.prototype.feedbackButtons = function (entry) {
    var self = this;
    var group = el('div', 'mcw-feedback');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Was this answer helpful?');
    [['up', 'Helpful'], ['down', 'Not helpful']].forEach(function (choice) {
      var button = el('button', 'mcw-vote mcw-vote-' + choice[0]);
      button.type = 'button';
      button.appendChild(thumbIcon(choice[0] === 'down'));
      button.setAttribute('aria-label', choice[1]);
      button.title = choice[1];
      button.setAttribute('aria-pressed', String(entry.vote === choice[0]));
      button.addEventListener('click', function () {
        if (entry.vote === choice[0] || !self.socket || !self.ready) { return; }
        entry.vote = choice[0];
        self.saveTranscript();
        Array.prototype.forEach.call(group.children, function (other) {
          other.setAttribute('aria-pressed', String(other === button));
        });
        self.socket.emit('feedback', { session_id: self.sessionId, text: entry.text, vote: choice[0] });
      });
      group.appendChild(button);
    });
    return group;
  };

  ChatWidget.prototype.renderNote = function (text) {
    var item = el('li', 'mcw-msg mcw-msg-bot mcw-msg-note');
    item.appendChild(el('p', 'mcw-bubble', text));
    this.log.appendChild(item);
    this.announce(text);
    this.scrollToEnd();
  };

  ChatWidget.prototype.announce = function (text) {
    if (!text) { return; }
    this.live.appendChild(el('p', null, text));
    while (this.live.childNodes.length > 3) { this.live.removeChild(this.live.firstChild); }
  };

  ChatWidget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  function start() {
    var host = document.querySelector('[data-chat-widget]');
    if (!host) {
      host = el('div');
      host.setAttribute('data-chat-widget', '');
      document.body.appendChild(host);
    }
    if (host.getAttribute('data-chat-ready')) { return; }
    host.setAttribute('data-chat-ready', '1');
    window.massageChat = new ChatWidget(host, readConfig(host));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
