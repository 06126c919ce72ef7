import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { CreateSpace } from './CreateSpace';

/** For tests: the create form at /create, and where it goes once created (the space page). */
export function renderCreate() {
  return render(
    <MemoryRouter initialEntries={['/create']}>
      <Routes>
        <Route path="/create" element={<CreateSpace />} />
        <Route path="/spaces/:id" element={<p>space page</p>} />
      </Routes>
    </MemoryRouter>,
  );
}
