"""What a browser or an HTTP client meets: request checks for the app's server (more of the
page moves here under issue 23)."""
