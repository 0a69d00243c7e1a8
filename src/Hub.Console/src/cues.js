// Cues for what must not be missed: a beep (WebAudio) and a banner (role="alert") for
// IMMEDIATE-priority items, a banner for escalations, and polite announcements of new items
// for screen readers.

import { h } from './dom.js';
import { t } from './i18n.js';

const SOUND_KEY = 'hub.console.sound';
let audio = null;
let soundOn = readSound();

function readSound() {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function soundEnabled() {
  return soundOn;
}

export function setSound(on) {
  soundOn = on;
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // Applies to this page only.
  }
}

// Browsers start audio only after the person has interacted with the page: the context is
// created (or resumed) on the first click or key press.
function unlockAudio() {
  try {
    if (!audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) {
        return;
      }
      audio = new Context();
    }
    if (audio.state === 'suspended') {
      audio.resume().catch(() => {});
    }
  } catch {
    audio = null;
  }
}
document.addEventListener('pointerdown', unlockAudio, { capture: true });
document.addEventListener('keydown', unlockAudio, { capture: true });

/** Three short high beeps. */
export function beep() {
  if (!soundOn) {
    return;
  }
  unlockAudio();
  if (!audio) {
    return;
  }
  try {
    const start = audio.currentTime + 0.02;
    for (let i = 0; i < 3; i++) {
      const at = start + i * 0.22;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'square';
      oscillator.frequency.setValueAtTime(i === 1 ? 1175 : 880, at);
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.18);
    }
  } catch {
    // No sound: the banner still shows.
  }
}

const MAX_BANNERS = 4;

/**
 * Shows a banner that screen readers announce at once. onShow, when given, adds a button
 * that takes the person to the item.
 */
export function banner(text, { kind = 'immediate', onShow } = {}) {
  const region = document.getElementById('banners');
  if (!region) {
    return;
  }
  const element = h('div', { class: ['banner', kind], role: 'alert', dataset: { testid: 'banner', kind } },
    h('span', { class: 'banner-text' }, text));
  if (onShow) {
    element.append(h('button', {
      type: 'button',
      onclick: () => {
        element.remove();
        onShow();
      },
    }, t('cue.show')));
  }
  element.append(h('button', {
    type: 'button',
    onclick: () => {
      element.remove();
      document.getElementById('main')?.focus();
    },
  }, t('cue.dismiss')));
  region.prepend(element);
  while (region.children.length > MAX_BANNERS) {
    region.lastElementChild.remove();
  }
}

let pending = [];
let timer = null;

/** A polite announcement; several in a short time are read as one. */
export function announce(text) {
  pending.push(text);
  clearTimeout(timer);
  timer = setTimeout(() => {
    const region = document.getElementById('announcer');
    if (region) {
      region.textContent = pending.slice(-3).join('. ');
    }
    pending = [];
  }, 700);
}
