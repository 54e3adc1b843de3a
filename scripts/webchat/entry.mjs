/*
 * The Web Chat the widget loads, built by scripts/build-webchat.ts into dist/webchat/ (an IIFE for
 * the browser; this file is never run by Node). It is Web Chat's minimal bundle plus what our
 * conversation needs of the full one: Adaptive Cards (the multi-choice questions and the summary are
 * cards) with a Markdown renderer for their text blocks. Left out: speech, the Direct Line App
 * Service Extension transport and Adaptive Cards carousels (see the build script), and Web Chat's
 * HTML sanitiser, which is not needed because Markdown here never passes raw HTML through
 * (markdown-it with html: false escapes it).
 *
 * It sets window.WebChat = { createDirectLine, createStore, renderWebChat, unmount }: all the widget uses.
 */
import React from 'react';
import ReactDOM from 'react-dom';
import ReactWebChat from 'botframework-webchat-component';
import { createStore } from 'botframework-webchat-core';
import { DirectLine } from 'botframework-directlinejs/lib/directLine.js';
import MarkdownIt from 'markdown-it';
import AdaptiveCardsComposer from 'botframework-webchat/src/adaptiveCards/AdaptiveCardsComposer';
import createAdaptiveCardsAttachmentMiddleware from 'botframework-webchat/src/adaptiveCards/createAdaptiveCardsAttachmentMiddleware';
import createAdaptiveCardsAttachmentForScreenReaderMiddleware from 'botframework-webchat/src/adaptiveCards/createAdaptiveCardsAttachmentForScreenReaderMiddleware';
import createAdaptiveCardsStyleSet from 'botframework-webchat/src/adaptiveCards/Styles/createAdaptiveCardsStyleSet';

/* global __WEBCHAT_VERSION__ */

let markdown;
/** Made when the first card is drawn, not when Web Chat starts (which the person waits for). */
function cardMarkdown() {
  if (markdown) return markdown;
  // The same options as Web Chat's own renderer, except html: false (raw HTML is shown as text).
  markdown = new MarkdownIt({ html: false, linkify: true, typographer: true, xhtmlOut: true });
  const defaultLinkOpen = markdown.renderer.rules.link_open || ((tokens, idx, options, env, self) => self.renderToken(tokens, idx, options));
  // A link in a card opens in a new tab, as in Web Chat's full bundle, never in place of the host page.
  markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx].attrSet('target', '_blank');
    tokens[idx].attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return markdown;
}
const renderMarkdown = (text) => cardMarkdown().render(text);

const attachmentMiddleware = [createAdaptiveCardsAttachmentMiddleware()];
const attachmentForScreenReaderMiddleware = [createAdaptiveCardsAttachmentForScreenReaderMiddleware()];

/** Web Chat with Adaptive Cards, put together as the full bundle's FullReactWebChat does. */
function WidgetWebChat(props) {
  const { styleOptions } = props;
  const extraStyleSet = React.useMemo(() => createAdaptiveCardsStyleSet(styleOptions || {}), [styleOptions]);
  return React.createElement(
    AdaptiveCardsComposer,
    null,
    React.createElement(ReactWebChat, { ...props, attachmentMiddleware, attachmentForScreenReaderMiddleware, extraStyleSet, renderMarkdown }),
  );
}

function createFormData(attachments) {
  const formData = new FormData();
  attachments.forEach(({ contentType, data, filename, name }) => formData.append(name, new Blob(data, { type: contentType }), filename));
  return formData;
}

/** As Web Chat's createDirectLine: polling or WebSocket Direct Line 3.0, with Web Chat's bot agent. */
function createDirectLine({ conversationId, domain, pollingInterval, streamUrl, token, watermark, webSocket }) {
  return new DirectLine({
    botAgent: `WebChat/${__WEBCHAT_VERSION__} (narvard widget)`,
    conversationId,
    domain,
    pollingInterval,
    streamUrl,
    token,
    watermark,
    webSocket,
    createFormData,
  });
}

window.WebChat = {
  ...window.WebChat,
  createDirectLine,
  createStore,
  renderWebChat(props, element) {
    ReactDOM.render(React.createElement(WidgetWebChat, props), element);
  },
  unmount(element) {
    ReactDOM.unmountComponentAtNode(element);
  },
};
