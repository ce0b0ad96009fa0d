// Starts GraphiQL (React, ReactDOM and GraphiQL are loaded before this file, from this server) with the
// example queries as its first tabs. The page is served at the endpoint it queries.
(function () {
  "use strict";
  const examples = JSON.parse(document.getElementById("graphiql-examples").textContent);
  const page = React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: window.location.pathname }),
    defaultTabs: examples.map(function (query) { return { query: query }; }),
  });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(page);
})();
