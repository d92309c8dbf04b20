from acw_tui.cli import main

main()
