"""The district's look-for framework (issue 16, part 4): defaults, publishing versions, walkthroughs."""
