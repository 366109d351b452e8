import { createBrowserRouter } from 'react-router';
import { RequireSession } from './RequireSession';
import { RouteError } from './RouteError';

// Every screen is its own chunk: the sign-in page ships without the lists, board and charts.
const lazy = (load: () => Promise<{ Component: React.ComponentType }>) => ({ lazy: load });

export const router = createBrowserRouter([
  { path: '/sign-in', ...lazy(() => import('../features/auth/SignInPage')) },
  { path: '/sign-up', ...lazy(() => import('../features/auth/SignUpPage')) },
  { path: '/forgot-password', ...lazy(() => import('../features/auth/ForgotPasswordPage')) },
  { path: '/reset-password', ...lazy(() => import('../features/auth/ResetPasswordPage')) },
  { path: '/verify-email', ...lazy(() => import('../features/auth/VerifyEmailPage')) },
  { path: '/invitations/accept', ...lazy(() => import('../features/auth/AcceptInvitationPage')) },
  { path: '/oauth/callback', ...lazy(() => import('../features/auth/OidcCallbackPage')) },
  {
    element: <RequireSession />,
    errorElement: <RouteError />,
    children: [
      {
        ...lazy(() => import('./Shell')),
        children: [
          { index: true, ...lazy(() => import('./LandingPage')) },
          { path: 'contacts', ...lazy(() => import('../features/contacts/ContactsPage')) },
          { path: 'contacts/duplicates', ...lazy(() => import('../features/contacts/DuplicatesPage')) },
          { path: 'contacts/:id', ...lazy(() => import('../features/contacts/ContactPage')) },
          { path: 'companies', ...lazy(() => import('../features/companies/CompaniesPage')) },
          { path: 'companies/:id', ...lazy(() => import('../features/companies/CompanyPage')) },
          { path: 'deals', ...lazy(() => import('../features/deals/DealsPage')) },
          { path: 'deals/pipelines', ...lazy(() => import('../features/deals/PipelineEditorPage')) },
          { path: 'deals/:id', ...lazy(() => import('../features/deals/DealPage')) },
          { path: 'tasks', ...lazy(() => import('../features/tasks/TasksPage')) },
          { path: 'tickets', ...lazy(() => import('../features/tickets/TicketsPage')) },
          { path: 'tickets/:id', ...lazy(() => import('../features/tickets/TicketPage')) },
          { path: 'imports', ...lazy(() => import('../features/imports/ImportsPage')) },
          { path: 'campaigns', ...lazy(() => import('../features/campaigns/CampaignsPage')) },
          { path: 'campaigns/new', ...lazy(() => import('../features/campaigns/CampaignPage')) },
          { path: 'campaigns/segments', ...lazy(() => import('../features/campaigns/SegmentsPage')) },
          { path: 'campaigns/templates', ...lazy(() => import('../features/campaigns/TemplatesPage')) },
          { path: 'campaigns/:id', ...lazy(() => import('../features/campaigns/CampaignPage')) },
          { path: 'invoices', ...lazy(() => import('../features/invoices/InvoicesPage')) },
          { path: 'invoices/products', ...lazy(() => import('../features/invoices/ProductsPage')) },
          { path: 'invoices/:id', ...lazy(() => import('../features/invoices/InvoicePage')) },
          { path: 'objects', ...lazy(() => import('../features/objects/ObjectsPage')) },
          { path: 'objects/:key', ...lazy(() => import('../features/objects/ObjectRecordsPage')) },
          { path: 'objects/:key/:id', ...lazy(() => import('../features/objects/ObjectRecordPage')) },
          { path: 'dashboard', ...lazy(() => import('../features/dashboard/DashboardPage')) },
          { path: 'dashboards', ...lazy(() => import('../features/dashboard/DashboardsPage')) },
          { path: 'dashboards/:id', ...lazy(() => import('../features/dashboard/CustomDashboardPage')) },
          { path: 'reports', ...lazy(() => import('../features/reports/ReportsPage')) },
          { path: 'reports/custom', ...lazy(() => import('../features/reports/CustomReportPage')) },
          { path: 'settings', ...lazy(() => import('../features/settings/SettingsPage')) },
          { path: '*', ...lazy(() => import('./NotFoundPage')) },
        ],
      },
    ],
  },
]);
