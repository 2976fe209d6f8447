"""Names of the Django groups that carry each role's Wagtail permissions (created in a data migration)."""

GROUP_FOR_ROLE = {
    "bureau_admin": "Bureau administrators",
    "bureau_auditor": "Bureau auditors",
    "school_admin": "School administrators",
    "teacher": "Teachers",
    "grade_leader": "Teachers",
    "content_editor": "Content editors",
    "content_reviewer": "Content reviewers",
    "organisation_officer": "Organisation officers",
}
STUDENT_GROUP = "Students"
ALL_GROUPS = sorted(set(GROUP_FOR_ROLE.values()) | {STUDENT_GROUP})
