// The Causeway web UI: a single-page app over the Temporal HTTP API (/api/v1) of the same port.
import { render } from 'preact';
import { App } from './app';
import './style.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
