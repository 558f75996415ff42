// An endpoint description rendered from Markdown. micromark keeps raw HTML as text and drops dangerous link
// protocols (javascript:) by default, so a description with <script> in it shows the tag, inert.
import { micromark } from 'micromark';

export function Markdown(props: { text: string }) {
  const html = micromark(props.text, { allowDangerousHtml: false, allowDangerousProtocol: false });
  return <div class="markdown" data-testid="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
