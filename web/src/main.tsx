import { render } from 'preact';
import { App } from './app.tsx';
import { loadSession } from './state.ts';
import './style.css';

render(<App />, document.getElementById('app')!);
void loadSession();
