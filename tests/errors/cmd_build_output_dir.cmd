build -o /nonexistent/dir/x
