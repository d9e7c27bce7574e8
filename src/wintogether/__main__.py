from wintogether.cli import main

main()
