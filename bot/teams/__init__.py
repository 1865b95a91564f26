"""Teams: assigning tasks to people of the same workspace, and one identity across platforms.

A task always has one owner, and only its owner changes it: assigning *creates* a task on the
assignee's list (never edits one of theirs); linking joins two identities into one person.
"""
