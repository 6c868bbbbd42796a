run -o /nonexistent/dir/x
